import { beforeAll, describe, expect, it } from 'vitest';
import { groupModeOf } from '../../local/simulator/fleet-groups.js';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import {
  al2023Image,
  devChannel,
  OPENSSL_RELEASES,
  orgCatalog,
  REPO_ROOT,
  opensslRelease as release,
  scenarioBetween,
} from './helpers.js';

const PROD_OUS = ['ou-x1y2-prd00001', 'ou-x1y2-prd00002'];

// Prod (two OUs, four accounts each) runs a fleet of which half the accounts follow the rollout; every team is
// prompt. Nothing rolls out (no channel has `rollout`), so the groups that follow it stay where their teams launched
// them, while the others move by hand: the manual ones as before, the parameter-based ones by a refresh of their own.
const catalog = orgCatalog({ base: al2023Image({ regions: ['us-east-1', 'eu-west-1'], triggers: OPENSSL_RELEASES }) }, [
  devChannel({ soak: '1h' }),
  { name: 'prod', targets: { ous: PROD_OUS }, soak: '1h' },
]);
const fleet = {
  image: 'base',
  channel: 'prod',
  instances: 2,
  teams: { prompt: 1, late: 0, never: 0 },
  promptDays: 1,
  rollout: 0.5,
} as const;

describe('fleets whose groups follow the rollout, on the local cloud', () => {
  let result: SimulationResult;
  let scenario: ReturnType<typeof scenarioBetween>;

  beforeAll(async () => {
    scenario = scenarioBetween('2027-01-01T00:00:00Z', '2027-01-16T00:00:00Z', {
      organization: { accountsPerOu: 4 },
      events: [release('2027-01-02T08:00:00Z', '3.0.1'), release('2027-01-08T08:00:00Z', '3.0.2')],
      faults: { alarms: [{ at: '2027-01-10T00:00:00Z', ou: PROD_OUS[0], alarm: 'app-5xx', for: '2h' }] },
      fleets: [fleet],
    });
    result = await simulate(catalog, scenario, REPO_ROOT);
  }, 180_000);

  it('launches every account, then moves only the groups that do not follow the rollout', () => {
    const events = result.fleets?.events ?? [];
    const accounts = [...new Set(events.map((e) => e.account))];
    expect(accounts).toHaveLength(8);
    const modes = new Map(
      accounts.map((a) => [a, groupModeOf(scenario.seed, { ...fleet, ...scenario.fleets[0]! }, a)]),
    );
    expect(new Set(modes.values()).has('rollout')).toBe(true);
    const moved = new Set(events.filter((e) => e.from !== undefined).map((e) => e.account));
    for (const [account, mode] of modes) expect(moved.has(account), `${account} (${mode})`).toBe(mode !== 'rollout');
    expect(events.some((e) => e.by === 'rollout')).toBe(false);
  });

  it('passes the rollout audit with nothing to examine', () => {
    expect(result.report.consistency.problems).toEqual([]);
    expect(result.report.consistency.checks?.['rollout-opt-in-only']).toBe(0);
    expect(result.report.consistency.checks?.['rollout-wave-order']).toBe(0);
  });
});
