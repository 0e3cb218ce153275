import type { CostReport } from '../../core/cost/estimate.js';
import { monthsText } from '../../core/duration.js';
import { type MonthlySummary, PATCH_TO_PROD_LABEL, patchToProdText } from '../../core/notifications/monthly-summary.js';
import { consistencyText } from './audit-recovering.js';
import { apiCallTotals, apiCallTotalsText, channelPromotions } from './call-minimum.js';
import type { SimulationResult } from './index.js';
import { formatMib } from './peak-memory.js';
import type { SimulationReport } from './report.js';

export { channelPromotions };

/**
 * The run's totals, defined once for every output: `simulate`'s Totals table, the HTML report's and `--json`'s
 * `totals` show these rows, with these labels and values.
 */

/** One figure of the totals: its label and its value as printed. */
export interface TotalsRow {
  what: string;
  value: string;
}

/** The run's totals as `what` / `value` rows: counts, AWS requests, sharing, the audit and the API-model check. */
export function totalsOf(report: SimulationReport): TotalsRow[] {
  return totalsRows(report).map(([what = '', value = '']) => ({ what, value }));
}

/** {@link totalsOf} as table rows. */
export function totalsRows(report: SimulationReport): string[][] {
  const promoted = channelPromotions(report.promotions);
  const totals = apiCallTotals(report.apiCalls, report.callPlan);
  return [
    ['builds', String(report.builds.length)],
    ['channel promotions', String(promoted)],
    ['notifications', String(report.notifications.length)],
    ...(report.announcements
      ? [
          [
            'announcements: distinct / deliveries / suppressed (made before)',
            `${report.announcements.distinct} / ${report.announcements.deliveries} / ${report.announcements.suppressed}`,
          ],
        ]
      : []),
    ['duplicates suppressed', String(report.duplicatesSuppressed)],
    [
      'events rejected (DLQ) / recovered since',
      `${report.rejectedEvents.length} / ${report.rejectedEvents.filter((e) => e.recovered).length}`,
    ],
    ['approval callbacks refused (links and Slack)', String(report.rejectedCallbacks)],
    ...(report.slack
      ? [
          [
            'Slack: posted / threads / updated in place',
            `${report.slack.posted} / ${report.slack.threads} / ${report.slack.updated}`,
          ],
          ['Slack button presses: decided / refused', `${report.slack.approvals} / ${report.slack.refused}`],
          [
            'Slack refused (5xx / 429) / posts that waited / still waiting',
            `${report.slack.failed ?? 0} / ${report.slack.rateLimited} / ${report.slack.deferred ?? 0} / ${report.slack.pending ?? 0}`,
          ],
        ]
      : []),
    [
      'faults injected / retried / failed',
      `${report.faults.injected} / ${report.faults.retried} / ${report.faults.failedCalls}`,
    ],
    ['AWS requests: other services + DynamoDB = all (incl. watchers)', apiCallTotalsText(totals)],
    [
      'AWS requests per channel promotion (all, DynamoDB included)',
      promoted ? (totals.all / promoted).toFixed(1) : '—',
    ],
    ...(report.sharing
      ? [
          [
            "ModifyImageAttribute / planner's minimum",
            `${report.sharing.modifyImageAttribute} / ${report.sharing.minimumModifyImageAttribute}`,
          ],
          [
            'largest sharing wave: virtual s / buckets bound s',
            report.sharing.waves.largest
              ? `${report.sharing.waves.largest.virtualSeconds} / ${report.sharing.waves.largest.lowerBoundSeconds}`
              : '—',
          ],
        ]
      : []),
    ['consistency', consistencyText(report.consistency)],
    [
      'requests / responses checked against AWS API models',
      `${report.apiModel.requests} / ${report.apiModel.responses}, ${report.apiModel.violations.length} violation(s)`,
    ],
  ];
}

/** What follows the totals table: each audit problem, each promotion recovering by itself, each API-model violation. */
export function totalsFindings(report: SimulationReport): string[] {
  return [
    ...report.consistency.problems.map((p) => `  consistency: ${p}`),
    ...(report.consistency.recovering ?? []).map((r) => `  recovering: ${r}`),
    ...report.apiModel.violations.map((v) => `  API model: ${v}`),
  ];
}

/** The run's own figures, the last line `simulate` prints: speed and peak memory (MiB). */
export function runFiguresText(run: SimulationResult['run']): string {
  const seconds = (run.wallMs / 1000).toFixed(1);
  return `simulated ${monthsText(run.simulatedMonths)} in ${seconds} s: ${run.monthsPerSecond.toFixed(2)} simulated months per second (peak memory ${formatMib(run.peakRssMb)})`;
}

const money = (amount: number, currency: string) => `${amount.toFixed(2)} ${currency}`;

/**
 * The run's estimated cost, figure by figure, as the text's and the HTML's cost tables show it (`--json` has the same
 * figures as numbers in `cost`): the total over the run, its parts, orchestration per promotion and by service.
 */
export function costRows(cost: CostReport): TotalsRow[] {
  const c = cost.currency;
  const parts = Object.entries(cost.orchestrationParts)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join(', ');
  return [
    { what: `estimated total over ${monthsText(cost.months)}`, value: money(cost.total, c) },
    { what: 'builds', value: money(cost.build, c) },
    { what: 'storage', value: money(cost.storage, c) },
    { what: 'channel pointers', value: money(cost.pointers, c) },
    { what: 'orchestration', value: money(cost.orchestration, c) },
    {
      what: 'orchestration per channel promotion (without monthly charges)',
      value:
        cost.promotions === 0
          ? 'none: no channel promotion in the window'
          : `${cost.orchestrationPerPromotion.toFixed(4)} ${c} (${cost.orchestrationPerPromotionUsage.toFixed(4)})`,
    },
    { what: 'orchestration over the whole run, by service', value: parts },
    { what: 'prices', value: `as of ${cost.prices.asOf}: ${cost.prices.source}` },
  ];
}

/** A table of figures as every output lays it out: its HTML id, its column headers, its rows as printed. */
export interface FiguresTable {
  id: string;
  headers: string[];
  rows: string[][];
}

/**
 * The cost's tables: its figures ({@link costRows}), each image's cost over the run and per month on average, and
 * each calendar month's cost as the monthly summary counts it (no orchestration; the run's last month so far).
 */
export function costTables(cost: CostReport): FiguresTable[] {
  return [
    { id: 'cost', headers: ['what', 'value'], rows: costRows(cost).map((r) => [r.what, r.value]) },
    {
      id: 'cost-per-image',
      headers: ['image', 'total', 'avg/month'],
      rows: Object.entries(cost.perImage).map(([image, total]) => [
        image,
        total.toFixed(2),
        cost.perImagePerMonth[image]?.toFixed(2) ?? 'none: the window is shorter than a day',
      ]),
    },
    {
      id: 'cost-per-month',
      headers: ['month', 'builds, storage, pointers'],
      rows: Object.entries(cost.perMonth).map(([month, amount]) => [month, amount.toFixed(2)]),
    },
  ];
}

/** The monthly summaries as sent: one row per month and image. */
export function summaryTable(summaries: readonly MonthlySummary[]): FiguresTable {
  return {
    id: 'summaries',
    headers: [
      'month',
      'image',
      'built',
      'failed',
      'promoted',
      'rejected',
      'expired',
      'aborted',
      'revoked',
      PATCH_TO_PROD_LABEL,
      'cost',
    ],
    rows: summaries.flatMap((m) =>
      m.images.map((i) => [
        m.month,
        i.image,
        String(i.built),
        String(i.failed),
        String(i.promoted),
        String(i.rejected),
        String(i.expired ?? 0),
        String(i.aborted ?? 0),
        String(i.revoked ?? 0),
        patchToProdText(i.patchToProdHours),
        i.cost === undefined ? '—' : i.cost.toFixed(2),
      ]),
    ),
  };
}

/** Per month of the summaries: the approvals waiting at its end and what it cost. */
export function summaryMonthLines(summaries: readonly MonthlySummary[]): string[] {
  return summaries.map(
    (m) =>
      `${m.month}: ${m.waiting.length} approval(s) waiting at the month's end${
        m.waiting.length
          ? ` (${m.waiting.map((w) => `${w.image} ${w.version} → ${w.channel} on ${w.on.join(', ')}`).join('; ')})`
          : ''
      }${m.cost ? `; cost ${money(m.cost.total, m.cost.currency)}` : ''}`,
  );
}
