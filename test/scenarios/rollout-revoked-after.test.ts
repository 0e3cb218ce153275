import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogInput } from '../../core/config/schema.js';
import type { SimulationResult } from '../../local/simulator/index.js';
import { al2023Image, catalogInput, devChannel, OPENSSL_RELEASES, opensslRelease } from './helpers.js';
import { rolloutNotes } from './rollout-catalog.js';
import { goldsmith, simulateSaved } from './saved-run.js';

/**
 * Prod rolls out in two waves (one OU, then the other); 1.0.0/2 rolls out to completion, and a critical
 * CVE in it arrives half a day later: the revocation takes every group the rollout refreshed back to 1.0.0/1. Half
 * of the fleet's accounts follow the rollout; the others run groups their teams never refresh.
 */
const PRD = ['ou-x1y2-prd00001', 'ou-x1y2-prd00002'] as const;
const catalog = catalogInput({ base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) }, [
  devChannel({ soak: '1h' }),
  {
    name: 'prod',
    targets: { ous: [...PRD] },
    soak: '1h',
    vulnerabilities: { maxCritical: 0, maxHigh: 5, revokeOn: ['critical'] },
    rollout: {
      waves: [
        { name: 'canary', ous: [PRD[0]] },
        { name: 'rest', ous: [PRD[1]] },
      ],
      bakeMinutes: 30,
    },
  },
] satisfies CatalogInput['channels']);
const V2 = '1.0.0/2';
const scenario = {
  start: '2027-01-01T00:00:00Z',
  // Before the rebuild the finding asks for reaches prod (at 13:52) and starts its own rollout.
  until: '2027-01-03T13:30:00Z',
  organization: { accountsPerOu: 4 },
  events: [
    opensslRelease('2027-01-01T08:00:00Z', '3.0.1'),
    opensslRelease('2027-01-02T20:00:00Z', '3.0.2'),
    // The rollout of 1.0.0/2 completed in the night.
    { at: '2027-01-03T11:00:00Z', kind: 'cve', image: 'base', version: V2, critical: 1 },
  ],
  fleets: [
    {
      image: 'base',
      channel: 'prod',
      instances: 2,
      teams: { prompt: 0, late: 0, never: 1 },
      promptDays: 1,
      rollout: 0.5,
    },
  ],
};

type Report = SimulationResult['report'];

describe('a critical finding revokes the version after its rollout completed, on the local cloud', () => {
  let root: string;
  let cloud: string;
  let report: Report;

  beforeAll(async () => {
    ({ root, cloud, report } = await simulateSaved('goldsmith-rollout-revoked-after-', catalog, scenario));
  }, 300_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('takes every group the rollout refreshed back to the previous version, once, and leaves the others alone', async () => {
    const rollout = rolloutNotes(report, V2);
    expect(rollout.map((n) => n.event)).toEqual([
      'rollout-wave-started',
      'rollout-groups-skipped',
      'rollout-wave-healthy',
      'rollout-wave-started',
      'rollout-wave-healthy',
      'rollout-completed',
    ]);
    expect(report.notifications.filter((n) => n.event === 'revoked' && n.subject.includes(V2))).toHaveLength(1);
    const { stdout } = await goldsmith(['history', 'base', '--local', cloud]);
    const completed = /1\.0\.0\/2 +prod +rollout completed: 2 wave\(s\), (\d+) groups refreshed/.exec(stdout);
    const refreshed = Number(completed?.[1]);
    expect(refreshed).toBeGreaterThan(0);
    // Written once every group's refresh back ended Successful (a group not moved would be counted apart).
    expect(stdout).toMatch(
      new RegExp(
        `2027-01-03 11:00  1\\.0\\.0/2 +prod +rollout superseded: revoked: [^\\n]*; ${refreshed} groups of canary, rest rolled forward to 1\\.0\\.0/1\\n`,
      ),
    );
    // Each group the rollout refreshed was refreshed twice (onto 1.0.0/2, then back); no other group ever was: the
    // skipped one and those outside the rollout were left alone.
    expect(report.apiCalls['autoscaling:StartInstanceRefresh']).toBe(2 * refreshed);
    expect(report.consistency.problems).toEqual([]);
  });
});
