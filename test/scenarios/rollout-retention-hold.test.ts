import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import { opensslRelease } from './helpers.js';
import { FOLLOWING_FLEET, PRD, rolloutNotes, threeWaveCatalog } from './rollout-catalog.js';
import { goldsmith, simulateSaved } from './saved-run.js';

/**
 * Prod rolls out in three waves (a canary account, one OU, the other), every group following it. From 3 January the
 * first OU's alarm stays in ALARM for 40 days: each rollout's second wave fails and rolls back, so that OU's groups and
 * the third wave's (never started) keep running 1.0.0/1 while the canary moves on. Retention (the 3 newest per channel)
 * retires 1.0.0/1 when 1.0.0/4 reaches prod; once the alarm is over, 1.0.0/5 rolls out to every group.
 */
const catalog = threeWaveCatalog();
const [V1, V4, V5] = ['1.0.0/1', '1.0.0/4', '1.0.0/5'];
const scenario = {
  start: '2027-01-01T00:00:00Z',
  until: '2027-02-22T00:00:00Z',
  organization: { accountsPerOu: 2 },
  events: [
    opensslRelease('2027-01-01T08:00:00Z', '3.0.1'),
    opensslRelease('2027-01-05T08:00:00Z', '3.0.2'),
    opensslRelease('2027-01-19T08:00:00Z', '3.0.3'),
    opensslRelease('2027-02-02T08:00:00Z', '3.0.4'),
    opensslRelease('2027-02-16T08:00:00Z', '3.0.5'),
  ],
  fleets: [FOLLOWING_FLEET],
  faults: { alarms: [{ at: '2027-01-03T00:00:00Z', ou: PRD[0], alarm: 'app-5xx', for: '40d' }] },
};

type Report = SimulationResult['report'];

describe('retention after rollouts halted and rolled back, on the local cloud', () => {
  let root: string;
  let cloud: string;
  let report: Report;

  beforeAll(async () => {
    ({ root, cloud, report } = await simulateSaved('goldsmith-rollout-retention-', catalog, scenario));
  }, 300_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('keeps the rolled-back version launchable by exactly the accounts running it, and by nobody once they moved on', async () => {
    expect(rolloutNotes(report, V4).map((n) => n.event)).toContain('rollout-wave-rolled-back');
    expect(rolloutNotes(report, V5).at(-1)?.event).toBe('rollout-completed');
    const days = report.fleet?.shares.find((s) => s.channel === 'prod')?.days ?? [];
    // Retired on 2 February while the 4 accounts the rollbacks left on it ran 8 of its instances.
    expect(days.find((d) => d.at.startsWith('2027-02-10'))?.instances).toEqual({ [V1]: 8, [V4]: 2 });
    expect(days.at(-1)?.instances).toEqual({ [V5]: 10 });
    const { stdout } = await goldsmith(['history', 'base', '--local', cloud]);
    expect(stdout).toMatch(/1\.0\.0\/1 .*held past retention: 4 account\(s\), 8 instance\(s\) still use it/);
    // The audit asks the EC2 fake who can launch each AMI: 1.0.0/1, used by nobody now, by no one.
    expect(report.consistency.problems).toEqual([]);
  });
});
