import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { SimulationReport } from '../../local/simulator/report.js';
import { captureOutput } from '../helpers/output.js';
import { AL2023, al2023Image, catalogInput, childImage, OPS_LEAD_APPROVAL } from './helpers.js';

/**
 * A critical CVE revokes base 1.0.0/2 (`revokeOn: ['critical']`, `revocation.descendants` left at `rebuild`) while
 * its child hardened 1.0.0/2, built on it, is still on its way: soaking in staging, or waiting for prod's approval.
 * Staging rolls back to base 1.0.0/1; hardened is rebuilt on it; the flagged 1.0.0/2 reaches no further channel.
 */
const goldsmith = (args: string[]) => captureOutput(() => main(args));
/** The catalog names no operator: the operators' role itself acts (local/trust/operator-signer.ts). */
const OPERATOR = 'arn:aws:iam::123456789012:role/goldsmith-local-operators';
const critical = { maxCritical: 0, maxHigh: 5, revokeOn: ['critical' as const] };
const catalog = catalogInput(
  {
    base: al2023Image({ regions: ['us-east-1'], triggers: { baseImage: true, packages: ['openssl'] } }),
    hardened: childImage('base', 'staging', { regions: ['us-east-1'] }),
  },
  [
    { name: 'staging', targets: { ous: ['ou-x1y2-stg00001'] }, soak: '1d', vulnerabilities: critical },
    { name: 'prod', targets: { ous: ['ou-x1y2-prd00001'] }, approval: OPS_LEAD_APPROVAL, vulnerabilities: critical },
  ],
);

// base 1.0.0/1 on day one, staging on day two; hardened 1.0.0/1 follows. openssl on day three makes base 1.0.0/2,
// in staging on day four 07:00; hardened 1.0.0/2 is built on it and soaks in staging until day five 08:00.
const EVENTS = [
  { at: '2027-01-01T01:00:00Z', kind: 'base-image-release', parameter: AL2023 },
  { at: '2027-01-03T06:00:00Z', kind: 'package-release', package: 'openssl', version: '3.0.17' },
];
const CVE = (at: string) => ({ at, kind: 'cve', image: 'base', version: '1.0.0/2', critical: 1 });

let root: string;

interface Run {
  report: SimulationReport;
  status: string;
  history: string;
}

async function runSaved(name: string, events: unknown[], until: string): Promise<Run> {
  const dir = join(root, name);
  const scenarioFile = join(root, `${name}.json`);
  writeFileSync(
    scenarioFile,
    JSON.stringify({
      start: '2027-01-01T00:00:00Z',
      until,
      organization: { accountsPerOu: 1 },
      approvals: 'none',
      events: [...EVENTS, ...events],
    }),
  );
  const run = await goldsmith(
    ['simulate', '--config', join(root, 'catalog.json'), '--scenario', scenarioFile].concat(['--save', dir, '--json']),
  );
  expect(run.code, run.stderr).toBe(0);
  const status = await goldsmith(['status', '--local', dir]);
  const history = await goldsmith(['history', 'hardened', '--local', dir]);
  return {
    report: JSON.parse(run.stdout) as SimulationReport,
    status: status.stdout,
    history: history.stdout,
  };
}

const outcomes = (r: Run, version: string) =>
  r.report.promotions
    .filter((p) => p.image === 'hardened' && p.version === version)
    .map((p) => `${p.channel} ${p.outcome}`);

let soaking: Run;
let approving: Run;
let emptied: Run;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'goldsmith-flagged-'));
  writeFileSync(join(root, 'catalog.json'), JSON.stringify(catalog));
  // While hardened 1.0.0/2 soaks in staging (day four 20:00).
  soaking = await runSaved('soaking', [CVE('2027-01-04T20:00:00Z')], '2027-01-06T06:00:00Z');
  // While hardened 1.0.0/2 waits for prod's approval (day five 12:00), which ops-lead then gives.
  approving = await runSaved(
    'approving',
    [
      CVE('2027-01-05T12:00:00Z'),
      { at: '2027-01-05T14:00:00Z', kind: 'approve', image: 'hardened', channel: 'prod', by: 'ops-lead' },
    ],
    '2027-01-06T06:00:00Z',
  );
  // base 1.0.0/1, the only version staging ever had, revoked while hardened 1.0.0/1 soaks there (day two 20:00).
  emptied = await runSaved('emptied', [{ ...CVE('2027-01-02T20:00:00Z'), version: '1.0.0/1' }], '2027-01-03T05:00:00Z');
}, 900_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('a critical CVE on the parent while its child soaks in staging', () => {
  it("stops the child at the flag, not at its soak's end (day five 08:00): it reaches no further channel", () => {
    expect(outcomes(soaking, '1.0.0/2')).toEqual(['staging aborted']);
    const stopped = soaking.report.promotions.find((p) => p.image === 'hardened' && p.version === '1.0.0/2');
    expect(stopped?.reason).toContain('built on revoked base 1.0.0/2');
    const flaggedAt = soaking.report.builds.find((b) => b.image === 'hardened' && b.version === '1.0.0/2')?.flagged?.at;
    expect(Date.parse(stopped?.at ?? '') - Date.parse(flaggedAt ?? '')).toBeLessThan(5 * 60_000);
    expect(Date.parse(stopped?.at ?? '')).toBeLessThan(Date.parse('2027-01-05T00:00:00Z'));
    const aborted = soaking.report.notifications.filter((n) => n.event === 'aborted' && n.image === 'hardened');
    expect(aborted).toHaveLength(1);
  });

  it('rebuilds the child on the rolled-back parent, and promotes the rebuild normally', () => {
    const rebuilt = soaking.report.builds.filter((b) => b.image === 'hardened' && b.version === '1.0.0/3');
    expect(rebuilt.map((b) => b.status)).toEqual(['AVAILABLE']);
    expect(outcomes(soaking, '1.0.0/3')).toEqual(['staging promoted']);
    expect(soaking.report.pointers['hardened/staging']).toBeDefined();
    const flagged = soaking.report.builds.find((b) => b.image === 'hardened' && b.version === '1.0.0/2');
    expect(flagged?.flagged?.reason).toBe('built on revoked base 1.0.0/2');
  });

  it('says so in history; status no longer shows the flag once its promotion stopped and the rebuild is available', () => {
    // Rebuilt by day four 20:52: on day six the flag holds nothing (test/unit/status/flag-ends.test.ts: the instant).
    expect(soaking.status).not.toContain('flagged');
    expect(soaking.history).toMatch(/1\.0\.0\/2 +flagged: built on revoked base 1\.0\.0\/2; held/);
    expect(soaking.history).toMatch(/1\.0\.0\/2 +staging +aborted by goldsmith: built on revoked base 1\.0\.0\/2/);
    expect(soaking.history).toMatch(
      /1\.0\.0\/2 +staging +soak ended early by .*: held: built on revoked base 1\.0\.0\/2/,
    );
  });
});

describe('a critical CVE on the parent while its child waits for prod approval, which ops-lead then tries to give', () => {
  it('does not promote the child to prod: the flag ends its waiting approval, announced once with the reason', () => {
    expect(outcomes(approving, '1.0.0/2')).toEqual(['staging promoted', 'prod aborted']);
    const prod = approving.report.promotions.find(
      (p) => p.image === 'hardened' && p.version === '1.0.0/2' && p.channel === 'prod',
    );
    expect(prod?.reason).toContain('built on revoked base 1.0.0/2');
    const aborted = approving.report.notifications.filter((n) => n.event === 'aborted' && n.image === 'hardened');
    expect(aborted).toHaveLength(1);
    expect(approving.report.builds.some((b) => b.image === 'hardened' && b.version === '1.0.0/3')).toBe(true);
  });

  it("leaves the child launchable by none of prod's accounts, as the end-of-run audit checks from the fakes", () => {
    expect(approving.report.consistency.ok).toBe(true);
    expect(approving.report.consistency.checks?.['aborted-withdrawn']).toBeGreaterThan(0);
  });

  it('says so in history; status marks only the channel still serving it once its promotion stopped and the rebuild is available', () => {
    // The image's own flag line is gone; staging, which the child reached before the flag, says it keeps it.
    expect(approving.status).not.toContain('flagged: ');
    expect(approving.status).toMatch(
      /staging +1\.0\.0\/2 .*\n +flagged since [^\n]*: built on revoked base 1\.0\.0\/2; kept here until its replacement is promoted here/,
    );
    // Withdrawn at the flag (day five 12:00): ops-lead's approval two hours later decides nothing.
    expect(approving.history).not.toMatch(/1\.0\.0\/2 +prod +approved by ops-lead/);
    expect(approving.history).toMatch(/2027-01-05 12:00 {2}1\.0\.0\/2 +prod +aborted by goldsmith: built on revoked/);
    expect(approving.history).toMatch(/1\.0\.0\/2 +prod +aborted by goldsmith: built on revoked base 1\.0\.0\/2/);
  });
});

describe('the parent restored after its revocation flagged the child staging still serves', () => {
  it('clears the flag: status no longer calls the child flagged, history says when and why the flag ended', async () => {
    const dir = join(root, 'approving');
    const restore = await goldsmith(
      ['restore', 'base', '1.0.0/2', '--reason', 'false positive', '--local', dir].concat(['--as', OPERATOR]),
    );
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain('flag "built on revoked base 1.0.0/2" cleared on hardened 1.0.0/2');

    const status = (await goldsmith(['status', '--local', dir])).stdout;
    const history = (await goldsmith(['history', 'hardened', '--local', dir])).stdout;
    expect(status).toMatch(/staging +1\.0\.0\/2 /);
    expect(status).not.toContain('built on revoked base 1.0.0/2');
    expect(history).toMatch(/1\.0\.0\/2 +flagged: built on revoked base 1\.0\.0\/2; held/);
    expect(history).toMatch(/1\.0\.0\/2 +flag cleared: base 1\.0\.0\/2 restored by /);
  });
});

describe('a critical CVE on the only parent version staging ever had, while its child soaks there', () => {
  const waits =
    'held until a new base version is built and promoted to staging (no earlier one is left there to rebuild on); ' +
    'the build made on that one is promoted instead';

  it('rebuilds nothing on an emptied channel, and the stopped promotion says it waits for a new parent version', () => {
    expect(emptied.report.pointers['base/staging']).toBeUndefined();
    expect(emptied.report.builds.filter((b) => b.image === 'hardened').map((b) => b.version)).toEqual(['1.0.0/1']);
    expect(outcomes(emptied, '1.0.0/1')).toEqual(['staging aborted']);
    const stopped = emptied.report.promotions.find((p) => p.image === 'hardened' && p.version === '1.0.0/1');
    expect(stopped?.reason).toContain(
      `built on revoked base 1.0.0/1: held, it passes no further gate, soak check or approval; ${waits}`,
    );
    expect(stopped?.reason).not.toContain('rolled-back parent');
  });

  it('says so in status and history, promising no rebuild', () => {
    // At the flag (day two 20:00), not at the soak's end (day three 02:44).
    expect(emptied.status).toContain(`its promotion stopped at staging 2027-01-02 20:00; ${waits}`);
    expect(emptied.history).toContain(
      `flagged: built on revoked base 1.0.0/1; held out of every further channel; ${waits}`,
    );
    expect(`${emptied.status}${emptied.history}`).not.toContain('rolled-back parent');
  });
});
