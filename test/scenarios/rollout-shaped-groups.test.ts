import { describe, expect, it } from 'vitest';
import { opensslRelease } from './helpers.js';
import { CANARY, FOLLOWING_FLEET, rolloutNotes, threeWaveCatalog, threeWaveScenario } from './rollout-catalog.js';
import { goldsmith, useSavedRun } from './saved-run.js';

/**
 * Groups shaped by parameters, and what teams really deploy between two rollouts. Prod's canary account runs two
 * groups of four instances, in each the first protected from scale in, the last in Standby, on a Spot policy of its own
 * (two instance types, half On-Demand); 1.0.0/2 rolls out through the three waves. Then one team moves its group to a mixed instances
 * policy of its own, another sets its group back to its template's first version (1.0.0/1's AMI), and 1.0.0/3 rolls
 * out: each refresh keeps what the team set, and the rollout's version is made from the one the group runs.
 */
const catalog = threeWaveCatalog();
const [V2, V3] = ['1.0.0/2', '1.0.0/3'];
// The prod OUs' accounts, two each: wave-1's, then rest's.
const [SPOT_TEAM, BACK_TEAM] = ['200000000003', '200000000005'];
const SHAPE = {
  protected: 1,
  standby: 1,
  spot: { types: ['c7i.large', 'c6i.large'], onDemandPercentage: 50 },
  groups: 2,
};
const base = threeWaveScenario('2027-01-04T02:00:00Z', [
  {
    at: '2027-01-03T02:00:00Z',
    kind: 'team-deploy',
    image: 'base',
    channel: 'prod',
    account: SPOT_TEAM,
    spot: { types: ['r7i.large', 'r6i.large', 'r5.large'], onDemandBase: 1, onDemandPercentage: 0 },
  },
  {
    at: '2027-01-03T02:00:00Z',
    kind: 'team-deploy',
    image: 'base',
    channel: 'prod',
    account: BACK_TEAM,
    launchTemplateVersion: 1,
  },
  opensslRelease('2027-01-03T06:00:00Z', '3.0.3'),
]);
const scenario = { ...base, fleets: [{ ...FOLLOWING_FLEET, instances: 4, shapes: { [CANARY]: SHAPE } }] };

describe('a rollout through groups shaped by parameters and teams that changed their groups between two rollouts', () => {
  const run = useSavedRun('goldsmith-rollout-shaped-', catalog, scenario);

  it('completes both rollouts, and the audit finds each refresh kept what the teams set', () => {
    const { report } = run();
    expect(
      rolloutNotes(report, V2)
        .map((n) => n.subject)
        .at(-1),
    ).toBe(`base ${V2}: prod rollout completed`);
    expect(
      rolloutNotes(report, V3)
        .map((n) => n.subject)
        .at(-1),
    ).toBe(`base ${V3}: prod rollout completed`);
    expect(report.consistency.problems).toEqual([]);
    // 24 instances (the canary's two groups of four, four accounts' four): the protected and the Standby one of each
    // canary group stay on 1.0.0/1 through both rollouts (Ignore), every other instance moves, those of the canary's
    // second group included.
    const days = report.fleet?.shares.find((s) => s.channel === 'prod')?.days ?? [];
    expect(days.at(-1)?.instances).toEqual({ '1.0.0/1': 4, [V3]: 20 });
    // Six groups (the canary account's two, four others) refreshed by each rollout.
    expect(report.consistency.checks?.['mixed-policy-kept']).toBe(12);
    expect(report.consistency.checks?.['team-version-kept']).toBe(12);
  });

  it('rollout status counts what the shape leaves behind, and starts each team’s group from the version it runs', async () => {
    const { stdout } = await goldsmith(['rollout', 'status', 'base', 'prod', '--version', V3, '--local', run().cloud]);
    const line = (account: string) =>
      stdout.split('\n').find((l) => l.includes(`${account} us-east-1 base-prod`)) ?? '';
    // The protected and Standby instances were launched on v1 and never left it: named by their own version.
    expect(line(CANARY)).toMatch(
      /v2 -> v3, .*mixed instances: c7i\.large, c6i\.large kept; On-Demand base 0, above it 50% On-Demand, 50% Spot \(price-capacity-optimized\); left on v1: 2 instances \(1 protected from scale in, 1 in Standby\)$/,
    );
    expect(line(SPOT_TEAM)).toMatch(
      /mixed instances: r7i\.large, r6i\.large, r5\.large kept; On-Demand base 1, above it 0% On-Demand, 100% Spot/,
    );
    // The team set its group back to v1 (1.0.0/1's AMI): 1.0.0/3's version is made from v1, not from 1.0.0/2's v2.
    expect(line(BACK_TEAM)).toMatch(/: Successful \(template \S+ v1 -> v3,/);
  });
});
