import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { type CommandOutput, captureOutput } from '../helpers/output.js';
import { pausingCatalogJson } from './helpers.js';

/**
 * RAM goes down before January's patch build reaches dev's Publish (a one-hour retry horizon), so dev's promotion
 * pauses before Publish records it. A run that ends while the promotion is paused or resumed is recovering (exit 0),
 * however often it paused: the reconciler resumes it by itself in the end.
 */
const goldsmith = (args: string[]) => captureOutput(() => main(args));
let root: string;

interface Consistency {
  ok: boolean;
  problems: string[];
  recovering?: string[];
}

async function simulate(name: string, until: string, outageUntil: string): Promise<CommandOutput> {
  const scenario = join(root, `${name}.json`);
  writeFileSync(
    scenario,
    JSON.stringify({
      start: '2027-01-13T00:00:00Z',
      until,
      organization: { accountsPerOu: 1 },
      approvals: 'none',
      faults: { outages: [{ service: 'ram', from: '2027-01-14T03:30:00Z', until: outageUntil }] },
    }),
  );
  return goldsmith(['simulate', '--config', join(root, 'catalog.json'), '--scenario', scenario, '--json']);
}

const consistencyOf = (out: CommandOutput) => (JSON.parse(out.stdout) as { consistency: Consistency }).consistency;

let recovering: CommandOutput;
let pausedAgain: CommandOutput;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'goldsmith-recovering-'));
  writeFileSync(join(root, 'catalog.json'), pausingCatalogJson());
  // Ends a few hours into the outage: paused (or resumed), with automatic resumptions left.
  recovering = await simulate('recovering', '2027-01-14T10:00:00Z', '2027-01-15T00:00:00Z');
  // Ends after two resumptions paused again, the third not due yet.
  pausedAgain = await simulate('paused-again', '2027-01-15T00:00:00Z', '2027-01-14T21:00:00Z');
}, 900_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the end-of-run audit of a promotion paused before Publish recorded it', () => {
  it('is recovering while the reconciler still resumes it: simulate exits 0 and names it', () => {
    const consistency = consistencyOf(recovering);
    // No other audit (pointers, launch grants, lifecycle, image view, sharing) calls the in-between state broken.
    expect(consistency.problems).toEqual([]);
    expect(consistency.ok).toBe(true);
    expect(consistency.recovering).toHaveLength(1);
    expect(consistency.recovering?.[0]).toMatch(/^base 1\.0\.0\/1: its promotion to dev (paused at|was resumed)/);
    expect(recovering.code).toBe(0);
  });

  it('is still recovering after it paused again and again: simulate exits 0 and says when it is resumed next', () => {
    const consistency = consistencyOf(pausedAgain);
    expect(consistency.problems).toEqual([]);
    expect(consistency.ok).toBe(true);
    expect(consistency.recovering).toEqual([
      expect.stringMatching(
        /^base 1\.0\.0\/1: its promotion to dev paused at .* \(ServiceUnavailable.*\); the reconciler resumes it from 2027-01-15T/,
      ),
    ]);
    expect(pausedAgain.code).toBe(0);
  });
});
