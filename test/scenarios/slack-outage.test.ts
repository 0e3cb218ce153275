import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../cli/load-catalog.js';
import type { SimulationResult } from '../../local/simulator/index.js';
import { defaultScenarioWindow, REPO_ROOT, run } from './helpers.js';

// January of the default scenario (the patch window, the base release, the prod approvals, everything delivered
// twice) and the summary sent on 1 February with Slack up; and the same until the 23rd with Slack down for the patch
// build's morning (HTTP 503 for 12 hours) and answering 429 with Retry-After: 900 through the base release's day.
const START = '2027-01-10T00:00:00Z';
const UNTIL = '2027-02-02T00:00:00Z';
const FAILING_UNTIL = '2027-01-23T00:00:00Z';
const OUTAGES = [
  { service: 'slack', from: '2027-01-14T02:00:00Z', until: '2027-01-14T14:00:00Z' },
  {
    service: 'slack',
    from: '2027-01-20T08:00:00Z',
    until: '2027-01-20T20:00:00Z',
    status: 429,
    retryAfterSeconds: 900,
  },
];

// One account per OU: the outage is Slack's; the default scenario's 25 only make each day's sharing slower. Every
// delivery twice: the announcements' test needs repeated events to reach the announcement ledger.
const january = (outages: unknown[], until = UNTIL) => defaultScenarioWindow({ start: START, until, outages });

let clean: SimulationResult;
let failing: SimulationResult;

beforeAll(async () => {
  const catalog = await loadCatalogFile(`${REPO_ROOT}goldsmith.config.ts`);
  clean = await run(catalog, january([]));
  failing = await run(catalog, january(OUTAGES, FAILING_UNTIL));
}, 600_000);

/** What happened before the failing run's end, in both runs. */
const before = (at: string) => Date.parse(at) < Date.parse(FAILING_UNTIL);
const promotions = (r: SimulationResult) =>
  r.report.promotions
    .filter((p) => before(p.at))
    .map((p) => `${p.image} ${p.version} ${p.channel} ${p.outcome} ${p.at}`);
/** Slack's messages: the clean run's announced before the failing run's end (it posts at once), and every one of
 * the failing run's (each posted in the end, some late). */
type Seen = NonNullable<SimulationResult['slackMessages']>;
const cleanMessages = (): Seen => (clean.slackMessages ?? []).filter((m) => before(m.at));
const failingMessages = (): Seen => failing.slackMessages ?? [];
/** Each message as first posted (an approval request is edited in place once decided, maybe after the cut). */
const titles = (seen: Seen) => seen.map((m) => m.replaced[0] ?? m.text).sort();
const threads = (seen: Seen) => new Set(seen.flatMap((m) => (m.threadTs ? [m.threadTs] : []))).size;

describe('a Slack outage and a 429 storm never cost a promotion or a message', () => {
  it('promotes exactly as with Slack up: same versions, channels, outcomes, at the same instants', () => {
    expect(promotions(failing).length).toBeGreaterThan(10);
    expect(promotions(failing)).toEqual(promotions(clean));
  });

  it('counts what Slack refused: 5xx answers, 429s, posts that waited', () => {
    expect(failing.report.slack).toMatchObject({ pending: 0 });
    expect(failing.report.slack?.failed).toBeGreaterThan(0);
    expect(failing.report.slack?.rateLimited).toBeGreaterThan(clean.report.slack?.rateLimited ?? 0);
    expect(failing.report.slack?.deferred).toBeGreaterThan(0);
    expect(clean.report.slack).toMatchObject({ failed: 0, deferred: 0, pending: 0 });
  });

  it('posts every announcement in the end: the same messages and threads as with Slack up', () => {
    expect(failingMessages().length).toBeGreaterThan(40);
    expect(failing.report.slack?.posted).toBe(cleanMessages().length);
    expect(titles(failingMessages())).toEqual(titles(cleanMessages()));
    expect(threads(failingMessages())).toBe(threads(cleanMessages()));
    expect(failing.report.consistency.checks?.['slack-delivered']).toBe(failing.report.announcements?.distinct);
    expect(failing.report.consistency).toMatchObject({ ok: true, problems: [] });
  });

  it('delivers what each window held up by the next run after it ends (at most three hours), honouring the Retry-After', () => {
    const windows = failing.report.faults.outages.filter((o) => o.service === 'slack');
    expect(windows).toHaveLength(2);
    for (const w of windows) {
      expect(w.callsFailed).toBeGreaterThan(0);
      expect(w.deferred).toBeGreaterThan(0);
      expect(Date.parse(w.recoveredAt ?? '')).toBeLessThanOrEqual(Date.parse(w.until) + 3 * 3_600_000);
    }
  });
});

describe('announcements and the monthly summary, events delivered twice', () => {
  it('announces each thing once per (event, image, version, channel), however often its event arrived', () => {
    const { announcements, notifications } = clean.report;
    expect(announcements?.suppressed).toBeGreaterThan(0);
    expect(notifications).toHaveLength(announcements?.distinct ?? -1);
    const available = notifications.filter((n) => n.event === 'image-available');
    const built = clean.report.builds.filter((b) => b.status === 'AVAILABLE');
    expect(available).toHaveLength(built.length);
    // Those about a version (a build request names none yet: each build is its own) say it once per version.
    const keys = notifications
      .filter((n) => /\d+\.\d+\.\d+\/\d+/.test(n.subject))
      .map((n) => `${n.event} ${n.subject} ${n.channel}`);
    expect(keys.length).toBeGreaterThan(40);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('sends the summary of January once on 1 February', () => {
    const sent = clean.report.notifications.filter((n) => n.event === 'monthly-summary');
    expect(sent.map((n) => n.at)).toEqual(['2027-02-01T09:00:00.000Z']);
    const [summary] = clean.report.summaries ?? [];
    expect(summary?.month).toBe('2027-01');
    const base = summary?.images.find((i) => i.image === 'base');
    expect(base?.built).toBe(clean.report.builds.filter((b) => b.image === 'base' && b.status === 'AVAILABLE').length);
    expect(base?.patchToProdHours).toBeGreaterThan(0);
    expect(summary?.cost?.total).toBeGreaterThan(0);
    expect(clean.timeline.some((t) => t.text.startsWith('monthly summary sent — Golden images, 2027-01'))).toBe(true);
  });

  it('writes each finished build its cost on the ledger, adding up to the report’s build cost', () => {
    const costs = clean.report.builds.map((b) => b.cost ?? Number.NaN);
    expect(costs.every((c) => c > 0)).toBe(true);
    const sum = costs.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(clean.report.cost?.build ?? 0, 2);
  });
});
