import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogInput } from '../../core/config/schema.js';
import type { SimulationResult } from '../../local/simulator/index.js';
import { al2023Image, catalogInput, devChannel, OPENSSL_RELEASES, opensslRelease } from './helpers.js';
import { goldsmith, simulateSaved } from './saved-run.js';

/**
 * Prod rolls out in two waves, one OU each. Half of each OU's accounts run groups that follow the rollout; the others
 * are refreshed by hand, by late teams (two to three days after the pointer). The report's `fleet.reach` tells the
 * two apart: the rollout groups are at 90 % within a day of their wave's start, the hand-refreshed ones days later.
 */
const PRD = ['ou-x1y2-prd00001', 'ou-x1y2-prd00002'] as const;
const catalog = catalogInput({ base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) }, [
  devChannel({ soak: '1h' }),
  {
    name: 'prod',
    targets: { ous: [...PRD] },
    soak: '1h',
    rollout: {
      waves: [
        { name: 'canary', ous: [PRD[0]] },
        { name: 'rest', ous: [PRD[1]] },
      ],
      bakeMinutes: 30,
    },
  },
] satisfies CatalogInput['channels']);
const scenario = {
  start: '2027-01-01T00:00:00Z',
  until: '2027-01-07T00:00:00Z',
  organization: { accountsPerOu: 4 },
  // 1.0.0/1 reaches prod before any group exists; the teams launch on it; 1.0.0/2 is the one rolled out.
  events: [opensslRelease('2027-01-01T08:00:00Z', '3.0.1'), opensslRelease('2027-01-02T20:00:00Z', '3.0.2')],
  fleets: [
    {
      image: 'base',
      channel: 'prod',
      instances: 2,
      teams: { prompt: 0, late: 1, never: 0 },
      promptDays: 1,
      lateDays: [2, 3],
      rollout: 0.5,
    },
  ],
};
const DAY_HOURS = 24;

type Report = SimulationResult['report'];

describe('the rollout beside hand refreshes, per OU, on the local cloud', () => {
  let root: string;
  let cloud: string;
  let report: Report;

  beforeAll(async () => {
    ({ root, cloud, report } = await simulateSaved('goldsmith-reach-', catalog, scenario));
  }, 300_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("has each OU's rollout groups at 90 % within a day of their wave's start, and its hand-refreshed groups later", () => {
    const reach = report.fleet?.reach ?? [];
    expect(reach.map((r) => r.ou)).toEqual([...PRD]);
    for (const r of reach) {
      expect(r.versions.map((v) => v.version)).toEqual(['1.0.0/2']);
      const [v] = r.versions;
      expect(v?.afterWaveHours).toBeLessThanOrEqual(DAY_HOURS);
      expect(v?.rolloutHours).toBeLessThanOrEqual(DAY_HOURS);
      // Late teams move two to three days after the pointer.
      expect(v?.handHours).toBeGreaterThanOrEqual(2 * DAY_HOURS);
      expect(v?.handHours).toBeGreaterThan(v?.rolloutHours ?? Number.POSITIVE_INFINITY);
    }
    // The second OU's wave starts after the canary's refreshes are healthy and baked.
    const [canary, rest] = reach.map((r) => Date.parse(r.versions[0]?.waveStartedAt ?? ''));
    expect(rest).toBeGreaterThan(canary ?? Number.POSITIVE_INFINITY);
    expect(report.consistency.problems).toEqual([]);
  });

  it('goldsmith fleet tells under each OU how soon its wave started after the pointer', async () => {
    const { stdout } = await goldsmith(['fleet', 'base', '--channel', 'prod', '--local', cloud]);
    for (const ou of PRD)
      expect(stdout).toMatch(
        new RegExp(`prod / ${ou}.*\\n(    .*\\n)*    rollout: wave started after the pointer: median \\d`),
      );
  });
});
