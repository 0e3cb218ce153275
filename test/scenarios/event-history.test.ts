import { beforeAll, describe, expect, it } from 'vitest';
import { historyOf } from '../../cli/operator/ledger-history.js';
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

// base in us-east-1 through dev and prod, the sweeps at their defaults (launch permissions and functions every 28
// days): between them only CloudTrail's event history tells the audit what changed, with no trail at all.
const catalog = orgCatalog(
  { base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) },
  devThenProdSoakingAnHour(),
);
const STRANGER = '999999999999';
const PUBLISHER = 'functions/promotion/publish.handler';

/**
 * With no trail (no "AWS API Call via CloudTrail" reaches EventBridge), an administrator of the factory account shares
 * 1.0.0/2's AMI with an account no channel targets, uploads other code into the promotion's publisher, and rolls the
 * prod pointer back (Parameter Store's own event of it lost). The sweeps made on the first day are not due again for
 * 28 days; the next day's read of the event history finds all three.
 */
const events = [
  opensslRelease('2027-01-01T01:00:00Z', '3.0.1'),
  opensslRelease('2027-01-02T01:00:00Z', '3.0.2'),
  {
    at: '2027-01-03T13:30:00Z',
    kind: 'outside-change',
    action: 'modify-launch-permission',
    image: 'base',
    version: '1.0.0/2',
    region: 'us-east-1',
    add: [{ UserId: STRANGER }],
  },
  { at: '2027-01-03T14:00:00Z', kind: 'outside-change', action: 'update-function-code', handler: PUBLISHER },
  // The prod pointer rolled back by hand, and Parameter Store's own event of it lost on the way.
  {
    at: '2027-01-03T15:00:00Z',
    kind: 'outside-change',
    action: 'put-parameter',
    image: 'base',
    channel: 'prod',
    region: 'us-east-1',
    dropEvent: true,
  },
];

let result: SimulationResult;

beforeAll(async () => {
  result = await simulate(
    catalog,
    scenarioBetween('2027-01-01T00:00:00Z', '2027-01-04T12:00:00Z', { events, cloudTrail: { trail: false } }),
    REPO_ROOT,
    { snapshot: true },
  );
}, 300_000);

const drifts = (prefix: string) =>
  result.report.notifications.filter((n) => n.event === 'drift-found' && n.subject.startsWith(prefix));

describe("changes made outside Goldsmith with no trail, found in CloudTrail's event history", () => {
  it('withdraws the launch permission someone added the next morning, not at the next sweep', () => {
    const found = drifts('launch permissions of base 1.0.0/2');
    expect(found).toHaveLength(1);
    expect(Date.parse(found[0]?.at ?? '')).toBeLessThan(Date.parse('2027-01-04T03:00:00Z'));
    const lines = historyOf(
      (result.snapshot?.ledger ?? []).filter((i) => i.pk === 'IMAGE#base'),
      undefined,
      ['dev', 'prod'],
    )
      .map((e) => `${e.version ?? ''} ${e.what}`)
      .filter((l) => l.includes('audit: launch-permissions in us-east-1'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`granted to account ${STRANGER}`);
    expect(lines[1]).toContain('put back');
  });

  it('stops the publisher whose code was replaced the next morning, announced critical', () => {
    const stopped = result.report.notifications.filter(
      (n) =>
        n.event === 'drift-found' &&
        n.subject.startsWith('function ') &&
        n.subject.endsWith('changed outside Goldsmith'),
    );
    expect(stopped).toHaveLength(1);
    expect(Date.parse(stopped[0]?.at ?? '')).toBeGreaterThan(Date.parse('2027-01-04T00:00:00Z'));
    expect(Date.parse(stopped[0]?.at ?? '')).toBeLessThan(Date.parse('2027-01-04T03:00:00Z'));
  });

  it('puts back the prod pointer rolled back by hand the next morning, its own event lost', () => {
    const found = drifts('pointer base/prod (us-east-1)');
    expect(found).toHaveLength(1);
    expect(Date.parse(found[0]?.at ?? '')).toBeGreaterThan(Date.parse('2027-01-04T01:30:00Z'));
    expect(Date.parse(found[0]?.at ?? '')).toBeLessThan(Date.parse('2027-01-04T03:00:00Z'));
  });

  it("reads back nothing for Goldsmith's own sharing: no other drift, the history read once a day per Region, and the audit names the stopped publisher", () => {
    expect(result.report.notifications.filter((n) => n.event === 'drift-found')).toHaveLength(3);
    // Days 1 to 4 at 01:30: one region (us-east-1), one lookup of its write events, a page each.
    expect(result.report.apiCalls['cloudtrail:LookupEvents']).toBe(4);
    // The functions' full read-back (GetFunction of each of some twenty functions) not every day: at most twice in
    // these four days, and the publisher's own read-back on the fourth (a daily read-back would make four).
    expect(result.report.apiCalls['lambda:GetFunction']).toBeLessThan(3 * 21);
    const history = Object.entries(result.run.functions ?? {}).find(([id]) => id.startsWith('AuditHistory'));
    expect(history?.[1].invocations).toBe(4);
    // The publisher stays stopped until an operator restarts it: the run's one problem.
    expect(result.report.consistency.problems).toEqual([
      expect.stringMatching(/^function PromotionPublish\w* is stopped \(reserved concurrency 0\)/),
    ]);
  });
});
