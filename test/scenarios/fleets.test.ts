import { beforeAll, describe, expect, it } from 'vitest';
import { REPORT_MINUTES } from '../../local/fakes/ec2-usage.js';
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

// A base image in two Regions built on openssl releases, kept 2 per channel and deleted 3 days after it leaves
// retention, a deletion waiting at most 5 days for the version's users before an operator is asked; prod (two OUs,
// four accounts each) runs fleets: most teams move within 3 days, some within 8–15 days, some never. On 1 February an
// operator releases 1.0.0/1, which the never teams still run; on 3 February prod's 1.0.0/4 is revoked while teams run it.
const catalog = orgCatalog(
  {
    base: al2023Image({
      regions: ['us-east-1', 'eu-west-1'],
      triggers: OPENSSL_RELEASES,
      retention: { keep: 2, deleteAfter: '3d', unpromotedGrace: '1d', holdInUseFor: '5d' },
    }),
  },
  [devChannel({ soak: '1h' }), { name: 'prod', targets: { ous: PROD_OUS }, soak: '1h' }],
);

describe('fleets on the local cloud: member accounts follow the prod channel, some late, some never', () => {
  let result: SimulationResult;

  beforeAll(async () => {
    result = await simulate(
      catalog,
      scenarioBetween('2027-01-01T00:00:00Z', '2027-02-08T00:00:00Z', {
        organization: { accountsPerOu: 4 },
        events: [
          release('2027-01-02T08:00:00Z', '3.0.1'),
          release('2027-01-09T08:00:00Z', '3.0.2'),
          release('2027-01-16T08:00:00Z', '3.0.3'),
          release('2027-01-23T08:00:00Z', '3.0.4'),
          {
            at: '2027-02-01T12:00:00Z',
            kind: 'operator',
            request: { action: 'release', image: 'base', version: '1.0.0/1', reason: 'the teams were told twice' },
          },
          {
            at: '2027-02-03T12:00:00Z',
            kind: 'operator',
            request: { action: 'revoke', image: 'base', version: '1.0.0/4', reason: 'CVE-2027-0042 in openssl' },
          },
        ],
        fleets: [
          {
            image: 'base',
            channel: 'prod',
            instances: 4,
            teams: { prompt: 0.5, late: 0.25, never: 0.25 },
            promptDays: 3,
            lateDays: [8, 15],
          },
        ],
      }),
      REPO_ROOT,
      { snapshot: true },
    );
  }, 180_000);

  it('launches every prod account in both Regions, and moves prompt teams to each new pointer', () => {
    const events = result.fleets?.events ?? [];
    const firsts = events.filter((e) => e.from === undefined);
    expect(new Set(firsts.map((e) => `${e.account} ${e.region}`)).size).toBe(8 * 2);
    expect(new Set(firsts.map((e) => e.ou))).toEqual(new Set(PROD_OUS));
    const kinds = new Set(events.map((e) => e.team));
    expect(kinds).toEqual(new Set(['prompt', 'late', 'never']));
    // A never team makes no move after its first launch; a prompt team moves to every version prod points to.
    expect(events.filter((e) => e.team === 'never' && e.from !== undefined)).toEqual([]);
    const promptMoves = events.filter((e) => e.team === 'prompt' && e.from !== undefined);
    expect(promptMoves.length).toBeGreaterThan(0);
  });

  it('moves instances in an instance refresh: half at once, the rest later', () => {
    const moves = (result.fleets?.events ?? []).filter((e) => e.from !== undefined);
    const byAccount = new Map<string, number[]>();
    for (const m of moves) {
      const key = `${m.account} ${m.region} ${m.to}`;
      byAccount.set(key, [...(byAccount.get(key) ?? []), m.instances]);
    }
    expect([...byAccount.values()].some((counts) => counts.join(',') === '2,2')).toBe(true);
  });

  it('deletes no AMI a member account still uses, and holds the deletion of those in use', () => {
    expect(result.report.consistency.problems).toEqual([]);
    expect(result.report.consistency.checks?.['in-use-not-deregistered']).toBeGreaterThan(0);
    const holds = (result.snapshot?.ledger ?? []).filter((i) => String(i.sk).startsWith('HOLD#'));
    expect(holds.length).toBeGreaterThan(0);
    for (const h of holds) expect((h.accounts as string[]).length).toBeGreaterThan(0);
  });

  it("records each AMI's users as the fleets ran them when the report was made", () => {
    const usage = (result.snapshot?.ledger ?? []).filter((i) => String(i.sk).startsWith('USAGE#') && i.observedAt);
    expect(usage.length).toBeGreaterThan(0);
    const events = result.fleets?.events ?? [];
    for (const item of usage) {
      const at = Date.parse(String(item.lastRequestedAt)) + REPORT_MINUTES * 60_000;
      // Instances per account on this AMI at the report's completion, from the fleets' own moves.
      const expected: Record<string, number> = {};
      for (const e of events) {
        if (Date.parse(e.at) > at || e.region !== item.region) continue;
        if (e.to === item.imageId) expected[e.account] = (expected[e.account] ?? 0) + e.instances;
        if (e.from === item.imageId) expected[e.account] = (expected[e.account] ?? 0) - e.instances;
      }
      const recorded = item.accounts as Record<string, { instances: number }>;
      const counts = Object.fromEntries(
        Object.entries(recorded)
          .filter(([, u]) => u.instances > 0)
          .map(([a, u]) => [a, u.instances]),
      );
      const nonZero = Object.fromEntries(Object.entries(expected).filter(([, n]) => n > 0));
      expect({ item: item.sk, counts }).toEqual({ item: item.sk, counts: nonZero });
    }
  });

  it('announces once per version that its hold ran out while it is in use', () => {
    const expired = result.report.notifications.filter((n) => n.event === 'hold-expired').map((n) => n.subject);
    expect(expired.some((subject) => subject.includes('base 1.0.0/1: still in use after its hold'))).toBe(true);
    expect(new Set(expired).size).toBe(expired.length);
  });

  it("deletes a released version at the next sweep although it is in use, and the audit counts it as the operator's", () => {
    const hold = (result.snapshot?.ledger ?? []).find((i) => i.sk === 'HOLD#1.0.0/1');
    expect(hold).toMatchObject({ releaseReason: 'the teams were told twice', releasedAt: '2027-02-01T12:00:00.000Z' });
    const build = (result.snapshot?.ledger ?? []).find((i) => i.sk === 'BUILD#1.0.0/1');
    expect(build?.deletedAt).toBeDefined();
    expect(result.report.consistency.checks?.['released-then-deregistered']).toBeGreaterThan(0);
    expect(result.report.notifications.filter((n) => n.event === 'hold-released')).toHaveLength(1);
  });

  it('tells every account the last observation shows on a revoked version, each on its own, and the audit checks it', () => {
    const ledger = result.snapshot?.ledger ?? [];
    const revokedAt = Date.parse('2027-02-03T12:00:00Z');
    const observed = ledger.filter(
      (i) => String(i.sk).startsWith('USAGE#1.0.0/4#') && Date.parse(String(i.lastRequestedAt)) <= revokedAt,
    );
    const users = observed.flatMap((i) =>
      Object.entries(i.accounts as Record<string, { instances: number; launchTemplates: number }>)
        .filter(([, u]) => u.instances > 0 || u.launchTemplates > 0)
        .map(([account]) => `${account} ${String(i.region)}`),
    );
    expect(users.length).toBeGreaterThan(0);
    const told = result.report.notifications.filter((n) => n.event === 'fleet-on-revoked');
    expect(told).toHaveLength(users.length);
    for (const pair of users) {
      const [account, region] = pair.split(' ');
      expect(told.some((n) => n.subject.includes(`account ${account} still runs it in ${region}`))).toBe(true);
    }
    expect(result.report.consistency.checks?.['revoked-users-told']).toBe(users.length);
    expect(result.report.consistency.problems).toEqual([]);
  });
});
