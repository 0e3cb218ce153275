import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { captureOutput } from '../helpers/output.js';
import { pausingCatalogJson, REPO_ROOT } from './helpers.js';

/** The catalog names no operator: the account's administrators act as the operators' role itself. */
const OPERATORS_ROLE = 'arn:aws:iam::123456789012:role/goldsmith-local-operators';

/**
 * RAM is down from before January's patch build is available until 21:00 (a one-hour retry horizon): dev's Publish
 * pauses at about 05:00, is resumed at 06:00 and at 18:00 (six hours after its second pause, waiting for the next
 * run) and pauses again each time; the saved cloud ends at midnight with the third pause waiting for its resumption.
 */
const goldsmith = (args: string[]) => captureOutput(() => main(args));
let root: string;
let dir: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'goldsmith-paused-'));
  dir = join(root, 'cloud');
  writeFileSync(join(root, 'catalog.json'), pausingCatalogJson());
  writeFileSync(
    join(root, 'scenario.json'),
    JSON.stringify({
      start: '2027-01-13T00:00:00Z',
      until: '2027-01-15T00:00:00Z',
      organization: { accountsPerOu: 1 },
      approvals: 'none',
      faults: { outages: [{ service: 'ram', from: '2027-01-14T03:30:00Z', until: '2027-01-14T21:00:00Z' }] },
    }),
  );
  const saved = await goldsmith(
    ['simulate', '--config', join(root, 'catalog.json'), '--scenario', join(root, 'scenario.json')].concat([
      '--save',
      dir,
      '--json',
    ]),
  );
  // The run ends with the promotion paused, recovering by itself.
  expect(saved.stderr).toContain('saved the local cloud at 2027-01-15T00:00:00.000Z');
}, 900_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('a promotion paused by an outage, on a saved cloud', () => {
  it('status names the pause: since when, why, and what resume will do', async () => {
    const { stdout } = await goldsmith(['status', '--local', dir]);
    expect(stdout).toMatch(/in flight: 1\.0\.0\/1 paused \(AVAILABLE\) since 2027-01-14 \d\d:\d\d at dev/);
    expect(stdout).toContain('ServiceUnavailable');
    // Its third pause: resumed 24 hours after it (the backoff after two resumptions), or by an operator now.
    expect(stdout).toMatch(
      /resume: the reconciler resumes it at its first run from 2027-01-15T\d\d:\d\d:\d\d\.\d{3}Z \(automatic resumption 3; it keeps trying, at most a day apart, until AWS answers\), or `goldsmith resume base 1\.0\.0\/1` now: a new execution that skips the channels already decided and repeats dev's steps/,
    );
    expect(stdout).toContain('paused, and resumed from this step once AWS answers');
    expect(stdout).not.toContain('waits for an operator');
  });

  it("history has each pause and each automatic resumption, in the runbook's words", async () => {
    const { stdout } = await goldsmith(['history', 'base', '--local', dir]);
    const paused = stdout.split('\n').filter((l) => l.includes('promotion paused at dev: ServiceUnavailable'));
    const resumed = stdout.split('\n').filter((l) => l.includes('promotion resumed'));
    expect(paused).toHaveLength(3);
    // Every pause is resumed by the reconciler in the end: none waits for an operator.
    expect(paused.every((l) => l.includes('resumed from this step once AWS answers'))).toBe(true);
    expect(resumed.map((l) => l.slice(l.indexOf('promotion resumed')))).toEqual([
      'promotion resumed automatically by the reconciler (resumption 1)',
      'promotion resumed automatically by the reconciler (resumption 2)',
    ]);
    // docs/operating/runbooks.md quotes the same lines.
    const runbook = readFileSync(join(REPO_ROOT, 'docs', 'operating', 'runbooks.md'), 'utf8');
    expect(runbook).toContain('promotion paused at dev: ');
    expect(runbook).toContain('promotion resumed automatically by the reconciler (resumption 1)');
    expect(runbook).toContain('promotion resumed by arn:aws:sts::');
  }, 120_000);

  it('resume clears the pause: status no longer names it and says who resumed it and why, as history does', async () => {
    const resumed = await goldsmith(
      ['resume', 'base', '1.0.0/1', '--local', dir].concat(['--as', OPERATORS_ROLE, '--reason', 'RAM is back']),
    );
    expect(resumed.code).toBe(0);

    const status = (await goldsmith(['status', '--local', dir])).stdout;
    expect(status).not.toContain('paused (AVAILABLE)');
    expect(status).not.toContain('resume: ');
    const byOperator =
      'promotion resumed by arn:aws:sts::123456789012:assumed-role/goldsmith-local-operators/goldsmith-cli (resumption 3)';
    const line = status.split('\n').find((l) => l.includes(byOperator)) ?? '';
    expect(line).toMatch(
      / at 2027-01-15 \d\d:\d\d: RAM is back; it had paused at dev since 2027-01-14 \d\d:\d\d: ServiceUnavailable/,
    );
    const history = (await goldsmith(['history', 'base', '--local', dir])).stdout;
    expect(history).toContain(`${byOperator}: RAM is back`);
  }, 300_000);
});
