import { beforeAll, describe, expect, it } from 'vitest';
import { historyOf } from '../../cli/operator/ledger-history.js';
import { OUTSIDER_ACCOUNT } from '../../local/simulator/audit-sharing.js';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import {
  al2023Image,
  devThenProdSoakingAnHour,
  OPENSSL_RELEASES,
  opensslRelease,
  orgCatalog,
  REPO_ROOT,
  scenarioBetween,
} from './helpers.js';

// Attacks on the daily audit's drift records by someone with ec2:ModifyImageAttribute in the factory account (no
// Goldsmith role): sharing a live version's AMI with accounts no channel targets, in ways that must still be taken
// back, recorded (history) and announced (drift-found) each time.
// Its launch permissions swept every day (the default is weekly, with CloudTrail's events in between).
const catalog = orgCatalog(
  { base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) },
  devThenProdSoakingAnHour(),
  { monitoring: { launchPermissionSweepEvery: '1d' } },
);
const share = (at: string, accounts: readonly string[]) => ({
  at,
  kind: 'outside-change',
  action: 'modify-launch-permission',
  image: 'base',
  version: '1.0.0/1',
  region: 'us-east-1',
  add: accounts.map((UserId) => ({ UserId })),
});

const run = (events: unknown[]) =>
  simulate(catalog, scenarioBetween('2027-01-01T00:00:00Z', '2027-01-03T06:00:00Z', { events }), REPO_ROOT, {
    snapshot: true,
  });

const launchAnnouncements = (result: SimulationResult) =>
  result.report.notifications.filter(
    (n) => n.event === 'drift-found' && n.subject.startsWith('launch permissions of base 1.0.0/1'),
  );
const launchFound = (result: SimulationResult) =>
  historyOf(
    (result.snapshot?.ledger ?? []).filter((i) => i.pk === 'IMAGE#base'),
    undefined,
    ['dev', 'prod'],
  ).filter((e) => e.what.includes('audit: launch-permissions in us-east-1 found'));

describe('attack: the same launch permission added again on another day', () => {
  let result: SimulationResult;
  beforeAll(async () => {
    result = await run([
      opensslRelease('2027-01-01T01:00:00Z', '3.0.1'),
      share('2027-01-01T12:00:00Z', [OUTSIDER_ACCOUNT]),
      share('2027-01-02T12:00:00Z', [OUTSIDER_ACCOUNT]),
    ]);
  }, 300_000);

  it('is taken back, recorded and announced each time it is found', () => {
    expect(launchAnnouncements(result)).toHaveLength(2);
    expect(launchFound(result)).toHaveLength(2);
    expect(result.report.consistency.problems).toEqual([]);
  });
});

describe('attack: a launch permission list too long to name in a sort key', () => {
  let result: SimulationResult;
  // 60 accounts: `+account:<12 digits>` each, well past DynamoDB's 1,024-byte sort key.
  const many = [OUTSIDER_ACCOUNT, ...Array.from({ length: 59 }, (_, i) => `9000000000${String(i).padStart(2, '0')}`)];
  beforeAll(async () => {
    result = await run([opensslRelease('2027-01-01T01:00:00Z', '3.0.1'), share('2027-01-01T12:00:00Z', many)]);
  }, 300_000);

  it('is still taken back, recorded and announced', () => {
    expect(result.report.consistency.problems).toEqual([]);
    expect(launchAnnouncements(result)).toHaveLength(1);
    expect(launchFound(result)).toHaveLength(1);
  });
});
