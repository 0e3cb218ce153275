import { consistencyText } from './audit-recovering.js';
import { apiCallTotals, apiCallTotalsText } from './call-minimum.js';
import type { SimulationResult } from './index.js';
import { formatMib } from './peak-memory.js';
import type { SimulationReport } from './report.js';

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
  const promoted = report.promotions.filter((p) => p.outcome === 'promoted').length;
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
  return `${run.simulatedMonths.toFixed(1)} simulated months in ${seconds} s: ${run.monthsPerSecond.toFixed(2)} simulated months per second (peak memory ${formatMib(run.peakRssMb)})`;
}
