import { parseHTML } from 'linkedom';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../cli/load-catalog.js';
import { renderTables } from '../../cli/simulate-output.js';
import type { Catalog } from '../../core/config/schema.js';
import { LOCAL_ACCOUNT } from '../../local/simulator/cloud-types.js';
import { renderHtml } from '../../local/simulator/html/index.js';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import { GOLDSMITH_STACK_SET, synthesizeAppCached } from '../../local/simulator/synth-cache.js';
import type { TimelineEntry } from '../../local/simulator/timeline.js';
import { runFiguresText, totalsOf } from '../../local/simulator/totals.js';
import { buildLines, defaultScenario, RECONCILER_PERIOD_MS, REPO_ROOT } from './helpers.js';

// `npm start`'s quarter on the example catalog: three patch windows, a mid-month base release, a package release,
// a failed build, a gate rejection, prod approvals, a rejection, an expiry and a tampered link, all delivered twice.
let started: Promise<SimulationResult> | undefined;

/** The default quarter, run once for this file: the first caller's timeline listener sees it stream. */
function cleanQuarter(onTimeline?: (entries: TimelineEntry[], when: string) => void): Promise<SimulationResult> {
  started ??= loadCatalogFile(`${REPO_ROOT}goldsmith.config.ts`).then((catalog) =>
    simulate(catalog, defaultScenario(), REPO_ROOT, onTimeline ? { onTimeline } : {}),
  );
  return started;
}

/** How many queues the deployed re-drive function reads: the entries of its DEAD_LETTER_QUEUES (a joined list). */
async function deadLetterQueuesRead(): Promise<number> {
  const catalog = await loadCatalogFile(`${REPO_ROOT}goldsmith.config.ts`);
  // The same synthesis the quarter ran on (read from the synthesis cache it wrote).
  const app = await synthesizeAppCached(catalog, GOLDSMITH_STACK_SET, { root: REPO_ROOT, accountId: LOCAL_ACCOUNT });
  const lists = app.templates.flatMap((t) =>
    Object.values(t.Resources ?? {}).flatMap((r) => {
      const env = (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
      const joined = env?.DEAD_LETTER_QUEUES as { 'Fn::Join'?: [string, unknown[]] } | undefined;
      return r.Type === 'AWS::Lambda::Function' && joined?.['Fn::Join'] ? [joined['Fn::Join'][1].length] : [];
    }),
  );
  expect(lists).toHaveLength(1);
  return lists[0] ?? 0;
}

describe('the default scenario on the example catalog', () => {
  let result: SimulationResult;
  const streamed: { entries: TimelineEntry[]; when: string }[] = [];
  const outcome = (image: string, version: string, channel: string) =>
    result.report.promotions.find((p) => p.image === image && p.version === version && p.channel === channel);

  // The dead-letter queues the re-drive function reads (its DEAD_LETTER_QUEUES), from the stacks the quarter runs.
  let deadLetterQueues = 0;

  /** The quarter's HTML page, rendered and parsed once for the tests that read it (they only query it). */
  let rendered:
    | Promise<{
        catalog: Catalog;
        channelsOf: (image: string) => string[];
        document: ReturnType<typeof parseHTML>['document'];
      }>
    | undefined;
  const page = () =>
    (rendered ??= loadCatalogFile(`${REPO_ROOT}goldsmith.config.ts`).then((catalog) => {
      const channelsOf = (image: string) => catalog.images[image]?.channels ?? catalog.channels.map((c) => c.name);
      return { catalog, channelsOf, document: parseHTML(renderHtml(result, channelsOf)).document };
    }));

  beforeAll(async () => {
    result = await cleanQuarter((entries, when) => streamed.push({ entries, when }));
    deadLetterQueues = await deadLetterQueuesRead();
  }, 600_000);

  it('streams the timeline while it runs, in the same order and lines as the end-of-run timeline', () => {
    const live = streamed.filter((s) => s.when === 'live').flatMap((s) => s.entries);
    expect(live.length).toBeGreaterThan(0);
    expect(streamed.some((s) => s.when === 'late')).toBe(false);
    expect(streamed.flatMap((s) => s.entries)).toEqual(result.timeline);
    expect(result.run.streamed).toEqual({ live: live.length, late: 0 });
  });

  it('builds the base for each patch window, the base release and the openssl release', () => {
    expect(buildLines(result, 'base')).toEqual([
      'base 1.0.0/1 schedule AVAILABLE',
      'base 1.0.0/2 base-image AVAILABLE',
      'base 1.0.0/3 package AVAILABLE',
      'base 1.0.0/4 schedule AVAILABLE',
      'base 1.0.0/5 schedule AVAILABLE',
    ]);
  });

  it('announces the failed container build with Image Builder reason and never promotes it', () => {
    const failed = result.report.builds.find((b) => b.status === 'FAILED');
    expect(failed).toMatchObject({ image: 'web-runtime', reason: expect.stringContaining('nginx -t exited 1') });
    expect(result.report.promotions.some((p) => p.image === 'web-runtime' && p.version === failed?.version)).toBe(
      false,
    );
    expect(result.report.notifications).toContainEqual(
      expect.objectContaining({ event: 'build-failed', image: 'web-runtime' }),
    );
  });

  it('promotes through dev, staging and prod in order, prod only with an approval', () => {
    const base1 = ['dev', 'staging', 'prod'].map((c) => outcome('base', '1.0.0/1', c));
    expect(base1.map((p) => p?.outcome)).toEqual(['promoted', 'promoted', 'promoted']);
    expect(base1.map((p) => p?.at).every((at, i, all) => i === 0 || (at ?? '') >= (all[i - 1] ?? ''))).toBe(true);
    expect(base1[2]).toMatchObject({
      by: 'ops-lead',
      targets: { ous: 2, accounts: 50 },
      regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
    });
  });

  it('records a prod rejection, an expired approval and a gate rejection, each with its reason', () => {
    expect(outcome('base', '1.0.0/2', 'prod')).toMatchObject({
      outcome: 'rejected',
      by: 'security-reviewer',
      // The reason the approver typed on the link's confirmation page.
      reason: 'CHG-2001: wait for the kernel fix',
    });
    expect(outcome('app', '1.0.0/1', 'prod')).toMatchObject({ outcome: 'expired' });
    expect(outcome('hardened', '1.0.0/4', 'dev')).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringContaining('1 critical'),
    });
    expect(outcome('hardened', '1.0.0/4', 'staging')).toBeUndefined();
  });

  it('refuses the tampered approval link and counts it', () => {
    expect(result.report.rejectedCallbacks).toBe(1);
    expect(result.timeline.some((e) => e.text.includes('403: Refused: bad signature'))).toBe(true);
  });

  it('rebuilds children from their parent channel (cascade) and points consumers at promoted AMIs only', () => {
    expect(buildLines(result, 'hardened').every((l) => l.includes(' cascade '))).toBe(true);
    expect(result.report.pointers['base/prod']?.['us-east-1']).toMatch(/^ami-/);
    expect(result.report.consistency).toMatchObject({ ok: true, problems: [] });
  });

  it("leaves every promoted AMI launchable by exactly its channels' accounts in every region, checked from the fakes", () => {
    const checks = result.report.consistency.checks ?? {};
    expect(checks['launchable-by-targets']).toBeGreaterThan(0);
    expect(checks['not-launchable-by-others']).toBeGreaterThan(0);
    expect(checks['rejected-not-launchable']).toBeGreaterThan(0);
    // Every launchable AMI's key lets its launchers (and their Auto Scaling) use it, and nobody else (the KMS fake).
    expect(checks['key-usable-by-targets']).toBe(checks['launchable-by-targets']);
    expect(checks['key-not-usable-by-others']).toBeGreaterThan(0);
    // The planner's minimum here: one ModifyImageAttribute per region for each channel an AMI build entered, and one
    // per region for each version retired (every grant removed, or narrowed to its users, at once). A version kept
    // shared for its users is narrowed again, one call per region, when a user stops running it (once per retired
    // version at most in this quarter). Container images take none.
    const amiImages = new Set(
      Object.entries(result.report.pointers)
        .filter(([, regions]) => Object.values(regions).some((v) => v.startsWith('ami-')))
        .map(([key]) => key.split('/')[0]),
    );
    const promoted = result.report.promotions.filter((p) => p.outcome === 'promoted' && amiImages.has(p.image));
    const regionsOf = (image: string) => promoted.find((p) => p.image === image)?.regions.length ?? 0;
    const retired = result.report.notifications.filter((n) => n.event === 'retired');
    const minimum =
      promoted.reduce((n, p) => n + p.regions.length, 0) + 2 * retired.reduce((n, r) => n + regionsOf(r.image), 0);
    expect(result.report.apiCalls['ec2:ModifyImageAttribute']).toBeGreaterThan(0);
    expect(result.report.apiCalls['ec2:ModifyImageAttribute']).toBeLessThanOrEqual(minimum);
  });

  it('reads the dead-letter queues only on the daily pass when nothing is dead-lettered: no depth alarm fired', () => {
    expect(result.report.faults.redriven).toBe(0);
    const redrive = Object.entries(result.run.functions ?? {}).find(([id]) => id.startsWith('RedriveDeadLetters'));
    const passes = redrive?.[1].invocations ?? 0;
    // One a day from 2 January to 31 March, and the scenario's repeated deliveries of some of them.
    expect(passes).toBeGreaterThanOrEqual(89);
    expect(passes).toBeLessThanOrEqual(Math.ceil(89 * 1.3));
    const receives = result.report.apiCalls['sqs:ReceiveMessage'] ?? 0;
    // Each pass reads each queue the deployment gives it once (one empty answer), and nothing else reads them: a
    // six-hourly timer would make four times as many reads.
    expect(deadLetterQueues).toBeGreaterThan(0);
    expect(receives).toBe(passes * deadLetterQueues);
    expect(result.report.apiCalls['scheduler:CreateSchedule'] ?? 0).toBe(0);
  });

  it('prints a figure for speed: simulated months per second', () => {
    expect(result.run.simulatedMonths).toBeCloseTo(2.96, 1);
    expect(result.run.monthsPerSecond).toBeGreaterThan(0);
  });
  it('renders as an HTML page that draws a lane per image and channel, the quarter builds and outcomes as marks, and the monthly chart', async () => {
    const { catalog, channelsOf, document } = await page();

    const lanes = [...document.querySelectorAll('#lanes .lane')].map(
      (l) => `${l.getAttribute('data-image')}/${l.getAttribute('data-channel')}`,
    );
    for (const image of Object.keys(catalog.images)) {
      expect(lanes).toContain(`${image}/`);
      for (const channel of channelsOf(image)) expect(lanes).toContain(`${image}/${channel}`);
    }
    const marks = (kind: string) => document.querySelectorAll(`#lanes .event[data-kind="${kind}"]`).length;
    expect(marks('build')).toBe(result.report.builds.length);
    expect(marks('promoted')).toBe(result.report.promotions.filter((p) => p.outcome === 'promoted').length);
    expect(marks('rejected')).toBeGreaterThan(0);
    expect(marks('expired')).toBeGreaterThan(0);
    expect(marks('approval')).toBeGreaterThan(0);
    const months = [...document.querySelectorAll('#months-chart .bar[data-series="builds"]')];
    expect(months.map((m) => m.getAttribute('data-month'))).toEqual(['2027-01', '2027-02', '2027-03']);
    expect(months.reduce((n, m) => n + Number(m.getAttribute('data-value')), 0)).toBe(result.report.builds.length);
    expect(document.querySelectorAll('#promotions tbody tr').length).toBe(result.report.promotions.length);
  }, 600_000);

  it('shows in the HTML totals every figure of the text and JSON totals, with the same label and value', async () => {
    const { document } = await page();
    const html = [...document.querySelectorAll('#totals tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent),
    );
    // `simulate --json` prints these rows as `totals` (cli/simulate.ts).
    const rows = totalsOf(result.report);
    expect(html).toEqual(rows.map((r) => [r.what, r.value]));
    expect(rows.map((r) => r.what)).toEqual(
      expect.arrayContaining([
        'announcements: distinct / deliveries / suppressed (made before)',
        'Slack: posted / threads / updated in place',
        "ModifyImageAttribute / planner's minimum",
        'requests / responses checked against AWS API models',
      ]),
    );
    const text = renderTables(result).split('\n');
    for (const r of rows)
      expect(text.some((l) => l.startsWith(`${r.what}  `) && l.endsWith(`  ${r.value}`))).toBe(true);
    expect(document.querySelector('.totals-notes')?.textContent).toContain(runFiguresText(result.run));
  });

  it('shows in the HTML the cost and monthly summaries the text prints, with the figures --json carries', async () => {
    const { document } = await page();
    const cells = (id: string) =>
      [...document.querySelectorAll(`#${id} tbody tr`)].map((tr) =>
        [...tr.querySelectorAll('td')].map((td) => td.textContent),
      );
    // `simulate --json` prints the report as is: its cost and summaries are these numbers.
    const json = JSON.parse(JSON.stringify(result.report)) as typeof result.report;
    const cost = json.cost;
    if (!cost) throw new Error('the quarter estimates its cost');
    const months = `${result.run.simulatedMonths.toFixed(2)} months`;
    const costTable = cells('cost');
    expect(costTable[0]).toEqual([`estimated total over ${months}`, `${cost.total.toFixed(2)} USD`]);
    expect(costTable).toContainEqual(['orchestration', `${cost.orchestration.toFixed(2)} USD`]);
    expect(cells('cost-per-image')).toEqual(
      Object.entries(cost.perImage).map(([image, total]) => [
        image,
        total.toFixed(2),
        (cost.perImagePerMonth[image] ?? 0).toFixed(2),
      ]),
    );
    expect(cells('cost-per-month')).toEqual(Object.entries(cost.perMonth).map(([m, v]) => [m, v.toFixed(2)]));
    const summaries = json.summaries ?? [];
    expect(summaries.length).toBeGreaterThan(0);
    // Columns by their headers: month, image, the outcome counts, cost.
    const headers = [...document.querySelectorAll('#summaries thead th')].map((th) => th.textContent);
    const column = (name: string) => headers.indexOf(name);
    expect(['rejected', 'expired', 'aborted', 'revoked', 'cost'].map(column).every((i) => i >= 0)).toBe(true);
    expect(
      cells('summaries').map((r) => [
        r[0],
        r[1],
        r[column('rejected')],
        r[column('aborted')],
        r[column('revoked')],
        r[column('cost')],
      ]),
    ).toEqual(
      summaries.flatMap((m) =>
        m.images.map((i) => [
          m.month,
          i.image,
          String(i.rejected),
          String(i.aborted ?? 0),
          String(i.revoked ?? 0),
          i.cost?.toFixed(2) ?? '—',
        ]),
      ),
    );
    // The text prints each of those rows, cell for cell, and the same span of months wherever it names one.
    const text = renderTables(result);
    const textRows = text.split('\n').map((l) => l.trim().split(/\s{2,}/));
    for (const row of [...costTable, ...cells('cost-per-image'), ...cells('cost-per-month'), ...cells('summaries')])
      expect(textRows).toContainEqual(row);
    expect(text).toContain(`simulated ${months} in`);
    // Every span of months printed (not the speed, months per second) is that one figure.
    const spans = text.match(/\d+(\.\d+)? months?\b(?! per second)/g) ?? [];
    expect(spans.length).toBeGreaterThanOrEqual(2);
    expect(new Set(spans)).toEqual(new Set([months]));
  });
});

// The same quarter with six service
// outages, each over work in flight, and 1 % of all other calls throttled and 1 % failing with a server error.
const OUTAGES = [
  // Image Builder over January's patch build (03:00).
  { service: 'imagebuilder', from: '2027-01-14T02:00:00Z', until: '2027-01-14T08:00:00Z' },
  // SNS over the base image release's announcements (09:00).
  { service: 'sns', from: '2027-01-20T08:30:00Z', until: '2027-01-20T11:00:00Z' },
  // Step Functions over the openssl release's promotions (10:00).
  { service: 'sfn', from: '2027-02-03T09:00:00Z', until: '2027-02-03T12:00:00Z' },
  // Lambda over February's patch build, then Parameter Store over its pointers.
  { service: 'lambda', from: '2027-02-11T03:00:00Z', until: '2027-02-11T04:00:00Z' },
  { service: 'ssm', from: '2027-02-11T05:00:00Z', until: '2027-02-11T07:00:00Z' },
  // The ledger over March's patch build firing (Thursday 11 March, 03:00).
  { service: 'dynamodb', from: '2027-03-11T02:45:00Z', until: '2027-03-11T04:15:00Z' },
];

/** `image version channel outcome` of every promotion, sorted: the outcomes, whatever order they were decided in. */
const outcomes = (r: SimulationResult) =>
  r.report.promotions.map((p) => `${p.image} ${p.version} ${p.channel} ${p.outcome}`).sort();

describe('the default quarter with six service outages, throttling and server errors', () => {
  let clean: SimulationResult;
  let outage: SimulationResult;

  // The clean quarter is the one the tests above ran (one quarter fewer in `npm test`).
  beforeAll(async () => {
    clean = await cleanQuarter();
    const catalog: Catalog = await loadCatalogFile(`${REPO_ROOT}goldsmith.config.ts`);
    const faults = { ...defaultScenario().faults, throttleRate: 0.01, errorRate: 0.01, outages: OUTAGES };
    outage = await simulate(catalog, defaultScenario({ faults }), REPO_ROOT);
  }, 1_800_000);

  it('builds and decides what the clean quarter does', () => {
    expect(buildLines(outage)).toEqual(buildLines(clean));
    expect(outcomes(outage)).toEqual(outcomes(clean));
    expect(outage.report.faults.injected).toBeGreaterThan(0);
  });

  it('recovers every window within a reconciler period of its end: nothing deferred is left pending', () => {
    const windows = outage.report.faults.outages;
    expect(windows.map((w) => w.service)).toEqual(OUTAGES.map((o) => o.service));
    for (const w of windows) {
      expect(w.callsFailed, w.service).toBeGreaterThan(0);
      expect(w.deferred, w.service).toBeGreaterThan(0);
      expect(w.recoveredAt, w.service).not.toBeNull();
      expect(Date.parse(w.recoveredAt ?? '') - Date.parse(w.until), w.service).toBeLessThanOrEqual(
        RECONCILER_PERIOD_MS,
      );
    }
    expect(outage.report.faults.paused.filter((p) => p.status === 'paused')).toEqual([]);
  });

  it('ends consistent, with every build intent built and no outcome naming a transient error', () => {
    expect(outage.report.consistency).toMatchObject({ ok: true, problems: [] });
    expect(outage.report.consistency.checks?.['no-transient-outcomes']).toBe(outage.report.promotions.length);
  });
});
