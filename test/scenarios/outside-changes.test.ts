import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { historyOf } from '../../cli/operator/ledger-history.js';
import { metricNames } from '../../core/observability/metrics.js';
import { metrics } from '../../functions/lib/powertools.js';
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

// base in us-east-1 through dev and prod (an hour's soak each): 1.0.0/1, /2 and /3 on three openssl releases, so
// prod names 1.0.0/3 from 3 January and 1.0.0/2 is still kept (retention), launchable.
// Its launch permissions swept every day (the default is weekly, with CloudTrail's events in between).
const catalog = orgCatalog(
  { base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) },
  devThenProdSoakingAnHour(),
  { monitoring: { launchPermissionSweepEvery: '1d' } },
);
const DUE = '2027-01-04T09:00:00.000Z';
const STRANGER = '999999999999';

/**
 * On 3 January an operator asks for 1.0.0/2 to be revoked at 09:00 on the 4th. Then an administrator of the factory
 * account, outside Goldsmith: rolls the prod pointer back by hand (its previous value, 1.0.0/2's AMI), deletes the
 * revocation's schedule, and shares 1.0.0/3's AMI with an account no channel targets. No event says any of it.
 */
const events = [
  opensslRelease('2027-01-01T01:00:00Z', '3.0.1'),
  opensslRelease('2027-01-02T01:00:00Z', '3.0.2'),
  opensslRelease('2027-01-03T01:00:00Z', '3.0.3'),
  {
    at: '2027-01-03T09:00:00Z',
    kind: 'operator',
    request: { action: 'revoke', image: 'base', version: '1.0.0/2', reason: 'CVE-2027-0001', at: DUE },
  },
  {
    at: '2027-01-03T12:30:00Z',
    kind: 'outside-change',
    action: 'put-parameter',
    image: 'base',
    channel: 'prod',
    region: 'us-east-1',
  },
  { at: '2027-01-03T13:00:00Z', kind: 'outside-change', action: 'delete-schedule', image: 'base', version: '1.0.0/2' },
  {
    at: '2027-01-03T13:30:00Z',
    kind: 'outside-change',
    action: 'modify-launch-permission',
    image: 'base',
    version: '1.0.0/3',
    region: 'us-east-1',
    add: [{ UserId: STRANGER }],
  },
];

const run = (until: string) =>
  simulate(catalog, scenarioBetween('2027-01-01T00:00:00Z', until, { events }), REPO_ROOT, { snapshot: true });

const historyLines = (result: SimulationResult) =>
  historyOf(
    (result.snapshot?.ledger ?? []).filter((i) => i.pk === 'IMAGE#base'),
    undefined,
    ['dev', 'prod'],
  ).map((e) => `${e.at} ${e.version ?? ''} ${e.channel ?? ''} ${e.what}`);

describe('changes made outside Goldsmith, found by the audit', () => {
  let broken: SimulationResult;
  let repaired: SimulationResult;
  const driftCounts: number[] = [];

  beforeAll(async () => {
    broken = await run('2027-01-03T17:00:00Z');
    const addMetric = metrics.addMetric.bind(metrics);
    const spy = vi.spyOn(metrics, 'addMetric').mockImplementation((name, unit, value) => {
      if (name === metricNames.driftFound) driftCounts.push(value);
      return addMetric(name, unit, value);
    });
    try {
      repaired = await run('2027-01-05T00:00:00Z');
    } finally {
      spy.mockRestore();
    }
  }, 300_000);

  afterAll(() => vi.restoreAllMocks());

  it("puts prod's pointer back minutes after its Parameter Store Change; the revocation waits for the audit", () => {
    const ami3 = broken.report.pointers['base/dev']?.['us-east-1'];
    expect(ami3).toMatch(/^ami-/);
    expect(broken.report.pointers['base/prod']?.['us-east-1']).toBe(ami3);
    const found = broken.report.notifications.filter((n) => n.event === 'drift-found');
    expect(found.map((n) => n.subject)).toEqual(['pointer base/prod (us-east-1): changed outside Goldsmith']);
    expect(Date.parse(found[0]?.at ?? '')).toBeLessThan(Date.parse('2027-01-03T12:45:00Z'));
  });

  it('puts the prod pointer back within a day, announced, and says so in history', () => {
    expect(repaired.report.pointers['base/prod']?.['us-east-1']).toBe(
      repaired.report.pointers['base/dev']?.['us-east-1'],
    );
    const pointer = repaired.report.notifications.filter(
      (n) => n.event === 'drift-found' && n.subject.startsWith('pointer base/prod'),
    );
    expect(pointer.map((n) => n.subject)).toEqual(['pointer base/prod (us-east-1): changed outside Goldsmith']);
    expect(Date.parse(pointer[0]?.at ?? '')).toBeLessThan(Date.parse('2027-01-04T12:30:00Z'));
    const lines = historyLines(repaired);
    expect(lines.some((l) => /prod audit: channel-pointer in us-east-1 found changed outside Goldsmith/.test(l))).toBe(
      true,
    );
    expect(lines.some((l) => /prod audit: channel-pointer in us-east-1 put back: ami-/.test(l))).toBe(true);
  });

  it('withdraws the launch permission someone added, announced', () => {
    const launch = repaired.report.notifications.filter(
      (n) => n.event === 'drift-found' && n.subject.startsWith('launch permissions of base 1.0.0/3'),
    );
    expect(launch).toHaveLength(1);
    const lines = historyLines(repaired).filter((l) => l.includes('audit: launch-permissions in us-east-1'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`granted to account ${STRANGER}`);
    expect(lines[1]).toContain('put back: launchable by OU ou-x1y2-dev00001, OU ou-x1y2-prd00001');
  });

  it('says the schedule is gone before the revocation is due, then carries the revocation out once it is', () => {
    const schedule = repaired.report.notifications.filter(
      (n) => n.event === 'drift-found' && n.subject.startsWith('scheduled revocation of base 1.0.0/2'),
    );
    // Once when found broken (critical: a person should re-schedule it), once when carried out.
    expect(schedule).toHaveLength(2);
    expect(Date.parse(schedule[0]?.at ?? '')).toBeLessThan(Date.parse(DUE));
    const revoked = repaired.report.notifications.filter((n) => n.event === 'revoked');
    expect(revoked.map((n) => n.subject)).toEqual(['base 1.0.0/2: revoked']);
    // Carried out with the revocation's own time, requester and reason, within hours of its time.
    expect(Date.parse(schedule[1]?.at ?? '') - Date.parse(DUE)).toBeLessThan(7 * 3_600_000);
    const lines = historyLines(repaired);
    expect(
      lines.some((l) =>
        /1\.0\.0\/2 {2}audit: revocation-schedule found changed outside Goldsmith: no schedule/.test(l),
      ),
    ).toBe(true);
    expect(lines.some((l) => /1\.0\.0\/2 {2}revoked by .*: CVE-2027-0001/.test(l))).toBe(true);
    // The late revocation says who carried it out: the reconciler, for its requester.
    expect(
      lines.some((l) =>
        /1\.0\.0\/2 {2}audit: revocation-schedule found changed outside Goldsmith: not revoked \d+ minutes after .*revocation carried out now by the reconciler/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect(repaired.report.consistency.problems).toEqual([]);
    expect(repaired.report.faults.deadLettersLeft).toBe(0);
  });

  it('counts every finding in the metric the drift alarm watches', () => {
    // Pointer, launch permissions, the broken schedule, the overdue revocation: four findings, once each.
    expect(driftCounts.reduce((a, b) => a + b, 0)).toBe(4);
  });
});
