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
 * RAM is down from before January's patch build is available until long after the reconciler spent its automatic
 * resumptions of dev's Publish (a one-hour retry horizon): on the saved cloud the promotion waits for an operator.
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
  // The run ends with the promotion paused: simulate says so and exits 1 (the report's consistency check).
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
    expect(stdout).toContain(
      "resume: waits for an operator (the reconciler's 3 automatic resumptions are spent): `goldsmith resume base 1.0.0/1` starts a new execution that skips the channels already decided and repeats dev's steps",
    );
    // The pause's own line says the same: nothing resumes it once AWS answers.
    expect(stdout).not.toContain('once AWS answers');
    expect(stdout).toContain(
      "paused, and waits for an operator (the reconciler's 3 automatic resumptions are spent): goldsmith resume base 1.0.0/1",
    );
  });

  it("history has each pause and each automatic resumption, in the runbook's words", async () => {
    const { stdout } = await goldsmith(['history', 'base', '--local', dir]);
    const paused = stdout.split('\n').filter((l) => l.includes('promotion paused at dev: ServiceUnavailable'));
    const resumed = stdout.split('\n').filter((l) => l.includes('promotion resumed'));
    expect(paused).toHaveLength(4);
    // The first three pauses were resumed by the reconciler; the fourth waits for an operator, and says so.
    expect(paused.map((l) => l.includes('resumed from this step once AWS answers'))).toEqual([true, true, true, false]);
    expect(paused[3]).toContain("waits for an operator (the reconciler's 3 automatic resumptions are spent)");
    expect(resumed.map((l) => l.slice(l.indexOf('promotion resumed')))).toEqual([
      'promotion resumed automatically by the reconciler (resumption 1 of 3)',
      'promotion resumed automatically by the reconciler (resumption 2 of 3)',
      'promotion resumed automatically by the reconciler (resumption 3 of 3)',
    ]);
    // docs/operating.md's runbook quotes the same lines.
    const runbook = readFileSync(join(REPO_ROOT, 'docs', 'operating.md'), 'utf8');
    expect(runbook).toContain('promotion paused at dev: ');
    expect(runbook).toContain('promotion resumed automatically by the reconciler (resumption 1 of 3)');
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
      'promotion resumed by arn:aws:sts::123456789012:assumed-role/goldsmith-local-operators/goldsmith-cli (resumption 4)';
    const line = status.split('\n').find((l) => l.includes(byOperator)) ?? '';
    expect(line).toMatch(
      / at 2027-01-15 \d\d:\d\d: RAM is back; it had paused at dev since 2027-01-14 \d\d:\d\d: ServiceUnavailable/,
    );
    const history = (await goldsmith(['history', 'base', '--local', dir])).stdout;
    expect(history).toContain(`${byOperator}: RAM is back`);
  }, 300_000);
});
