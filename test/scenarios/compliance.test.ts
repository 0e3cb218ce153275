import { beforeAll, describe, expect, it } from 'vitest';
import { REPORT_MINUTES } from '../../local/fakes/ec2-usage.js';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import {
  al2023Image,
  devChannel,
  orgCatalog,
  PATCH_DAY_SCHEDULE,
  REPO_ROOT,
  opensslRelease as release,
  scenarioBetween,
} from './helpers.js';

const PROD_OUS = ['ou-x1y2-prd00001', 'ou-x1y2-prd00002'];
const REVOKED = '1.0.0/3';
const REVOKED_AT = '2027-02-20T12:00:00Z';
const HOUR = 3_600_000;

// A base image in two Regions built on each Patch Tuesday (+2 days) and on openssl releases, kept 2 per channel and
// deleted 3 days after it leaves retention unless a member account still runs it; prod (two OUs, ten accounts each)
// runs fleets: most teams move within 3 days, some within 8–20 days, a few never. February's version is revoked
// on 20 February while teams run it; a critical finding on 3 March asks for an out-of-cycle rebuild.
const catalog = orgCatalog(
  {
    base: al2023Image({
      regions: ['us-east-1', 'eu-west-1'],
      schedule: PATCH_DAY_SCHEDULE,
      triggers: { baseImage: false, packages: ['openssl'] },
      retention: { keep: 2, deleteAfter: '3d', unpromotedGrace: '1d', holdInUseFor: '10d' },
    }),
  },
  [devChannel({ soak: '1h' }), { name: 'prod', targets: { ous: PROD_OUS }, soak: '1h' }],
);

type Item = Record<string, unknown>;
const str = (v: unknown) => String(v ?? '');
const cmp = (a: string, b: string) => {
  const pa = a.split(/[./]/).map(Number);
  const pb = b.split(/[./]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++)
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
};

describe('patch compliance on the local cloud: laggard teams, a revocation under running fleets, retention pressure', () => {
  let result: SimulationResult;
  let ledger: Item[];
  let versionOf: Map<string, string>;

  beforeAll(async () => {
    result = await simulate(
      catalog,
      scenarioBetween('2027-01-10T00:00:00Z', '2027-04-05T00:00:00Z', {
        organization: { accountsPerOu: 10 },
        events: [
          release('2027-01-25T08:00:00Z', '3.0.1'),
          { at: REVOKED_AT, kind: 'revoke', image: 'base', version: REVOKED, reason: 'CVE-2027-0042 in openssl' },
          { at: '2027-03-03T12:00:00Z', kind: 'cve', image: 'base', critical: 1 },
        ],
        fleets: [
          {
            image: 'base',
            channel: 'prod',
            instances: 4,
            teams: { prompt: 0.6, late: 0.35, never: 0.05 },
            promptDays: 3,
            lateDays: [8, 20],
          },
        ],
      }),
      REPO_ROOT,
      { snapshot: true },
    );
    ledger = result.snapshot?.ledger ?? [];
    // Each AMI's version, from what the promotions recorded (identity only: the figures come from the fleets' moves).
    versionOf = new Map();
    for (const p of ledger.filter((i) => i.kind === 'promotion')) {
      for (const a of (p.amis as { imageId: string }[] | undefined) ?? []) versionOf.set(a.imageId, str(p.version));
    }
  }, 600_000);

  /** The OU's prod instances at `t` per account and Region, by version, replayed from the fleets' own moves. */
  function runningAt(ou: string, t: number): Map<string, Map<string, number>> {
    const places = new Map<string, Map<string, number>>();
    for (const e of result.fleets?.events ?? []) {
      if (e.ou !== ou || Date.parse(e.at) > t) continue;
      const place = `${e.account} ${e.region}`;
      const running = places.get(place) ?? new Map<string, number>();
      const to = versionOf.get(e.to) ?? e.to;
      running.set(to, (running.get(to) ?? 0) + e.instances);
      if (e.from !== undefined) {
        const from = versionOf.get(e.from) ?? e.from;
        running.set(from, (running.get(from) ?? 0) - e.instances);
      }
      places.set(place, running);
    }
    return places;
  }

  /**
   * The share on `version` or newer at a usage report made at `sampledAt`: what ran when it completed. A revoked
   * version is shared with nobody, so EC2 reports on it no more: after its revocation its instances count as the
   * last report before the revocation saw them (frozen), never as patched, and only in an account and Region no
   * newer report names (one that shows the account on another version there supersedes the frozen reading).
   */
  function shareAt(ou: string, version: string, sampledAt: number): number {
    const t = sampledAt + REPORT_MINUTES * 60_000;
    const revokedSince = sampledAt >= Date.parse(REVOKED_AT);
    const frozenAt = Math.max(
      ...ledger
        .filter((i) => str(i.sk).startsWith(`USAGE#${REVOKED}#`))
        .map((i) => Date.parse(str(i.lastRequestedAt)) || 0),
    );
    const frozen = runningAt(ou, frozenAt + REPORT_MINUTES * 60_000);
    let patched = 0;
    let all = 0;
    for (const [place, running] of runningAt(ou, t)) {
      let named = false;
      for (const [v, n] of running) {
        if (v === REVOKED && revokedSince) continue;
        if (n <= 0) continue;
        named = true;
        all += n;
        if (cmp(v, version) >= 0) patched += n;
      }
      if (revokedSince && !named) all += Math.max(0, frozen.get(place)?.get(REVOKED) ?? 0);
    }
    return all === 0 ? 0 : (patched * 100) / all;
  }

  it('runs fleets with laggards and never-movers, revokes a version they run, and holds deletions for them', () => {
    const teams = new Set((result.fleets?.events ?? []).map((e) => e.team));
    expect(teams).toEqual(new Set(['prompt', 'late', 'never']));
    expect(result.report.notifications.some((n) => n.event === 'fleet-on-revoked')).toBe(true);
    expect(ledger.some((i) => str(i.sk).startsWith('HOLD#'))).toBe(true);
    expect(result.report.consistency.problems).toEqual([]);
  });

  it('samples every live AMI in use daily: a report read, the next one is asked for a day after it', () => {
    const live = ledger.filter((i) => str(i.sk).startsWith('USAGE#') && i.reportId && i.lastReportId);
    const used = live.filter((i) => Number(i.instances) > 0 || Number(i.launchTemplates) > 0);
    expect(used.length).toBeGreaterThan(0);
    for (const i of live) {
      // The report being waited for was asked for a day after the one last recorded; a week after it where nobody
      // runs the version (core usageRefreshSeconds), whose reading is recorded with the next report when it says
      // the same.
      const gap = Date.parse(str(i.requestedAt)) - Date.parse(str(i.lastRequestedAt));
      const weekly = !used.includes(i) && gap > 30 * HOUR;
      expect(gap).toBeGreaterThanOrEqual(weekly ? 7 * 24 * HOUR - 4 * HOUR : 20 * HOUR);
      expect(gap).toBeLessThanOrEqual(weekly ? 7 * 24 * HOUR + 6 * HOUR : 30 * HOUR);
      expect(i.openWork).toBe('usage-report');
    }
  });

  it("records each threshold at the first daily sample whose report shows it crossed, matching the fleets' moves per OU", () => {
    const fleet = result.report.fleet;
    const prod = (fleet?.compliance ?? []).filter((c) => c.channel === 'prod');
    expect(prod.map((c) => c.cycle)).toEqual(expect.arrayContaining(['2027-01', '2027-02', '2027-03']));
    const records = ledger.filter((i) => i.pk === 'COMPLIANCE' && i.channel === 'prod');
    const lastSample = Math.max(
      ...ledger.filter((i) => str(i.sk).startsWith('USAGE#')).map((i) => Date.parse(str(i.lastRequestedAt)) || 0),
    );
    let checked = 0;
    for (const r of records) {
      const ou = str(r.ou);
      const version = str(r.version);
      expect(PROD_OUS).toContain(ou);
      for (const t of [50, 90, 100]) {
        const at = r[`reached${t}At`];
        if (at === undefined) {
          // Not reached: the run's last sample does not show it either.
          expect(shareAt(ou, version, lastSample)).toBeLessThan(t);
          continue;
        }
        const sampled = Date.parse(str(at));
        expect({ record: r.sk, t, share: shareAt(ou, version, sampled) >= t }).toEqual({
          record: r.sk,
          t,
          share: true,
        });
        // The sample a day before had not crossed it (or came before the pointer moved).
        const before = sampled - 24 * HOUR;
        if (before >= Date.parse(str(r.pointerAt))) expect(shareAt(ou, version, before)).toBeLessThan(t);
        checked++;
      }
      // The report's figures per OU are these records' times.
      const figure = prod.find((c) => c.cycle === r.cycle)?.ous.find((o) => o.ou === ou);
      const hours = r.reached90At
        ? Math.round((Date.parse(str(r.reached90At)) - Date.parse(str(r.startedAt))) / 360_000) / 10
        : null;
      expect(figure?.hoursTo90).toBe(hours);
    }
    expect(checked).toBeGreaterThan(6);
  });

  it('measures the out-of-cycle rebuild from the finding, and keeps the revoked version out of the patched share', () => {
    const prod = (result.report.fleet?.compliance ?? []).filter((c) => c.channel === 'prod');
    const finding = prod.find((c) => c.cycle.startsWith('finding-'));
    expect(finding?.startedAt).toBe('2027-03-03T12:00:00.000Z');
    const feb = prod.find((c) => c.cycle === '2027-02');
    expect(feb?.version).toBe(REVOKED);
    // Between the revocation and the next version in prod, no OU can cross 90 % on February's version: its
    // instances on the revoked version are not patched, and no newer one exists.
    const newer = result.report.promotions.find((p) => p.channel === 'prod' && cmp(p.version, REVOKED) > 0)?.at ?? '';
    expect(newer > REVOKED_AT).toBe(true);
    for (const o of feb?.ous ?? []) {
      if (o.hoursTo90 === null) continue;
      const at = Date.parse(feb?.startedAt ?? '') + o.hoursTo90 * HOUR;
      expect(at < Date.parse(REVOKED_AT) || at >= Date.parse(newer)).toBe(true);
    }
  });

  it("tells the month's compliance in its monthly summary and draws the fleet in the HTML report", async () => {
    const march = result.report.summaries?.find((m) => m.month === '2027-03');
    const line = march?.compliance?.find((c) => c.channel === 'prod' && c.cycle === '2027-03');
    const figures = result.report.fleet?.compliance.find((c) => c.channel === 'prod' && c.cycle === '2027-03');
    expect(line?.version).toBe(figures?.version);
    expect(line?.pointerHours).toBe(figures?.pointerHours);
    // As of the month's end: an OU at 90 % by then counts, one later does not.
    const end = Date.parse('2027-04-01T00:00:00Z');
    const by = (figures?.ous ?? []).map((o) =>
      o.hoursTo90 !== null && Date.parse(figures?.startedAt ?? '') + o.hoursTo90 * HOUR < end ? o.ou : null,
    );
    expect(line?.laggards.slice().sort()).toEqual(
      (figures?.ous ?? [])
        .filter((_, i) => by[i] === null)
        .map((o) => o.ou)
        .sort(),
    );
    const { renderHtml } = await import('../../local/simulator/html/index.js');
    const html = renderHtml(result, () => ['dev', 'prod']);
    expect(html).toContain('base/prod: share of instances by version');
    expect(html).toContain(`data-version="${REVOKED}"`);
  });
});
