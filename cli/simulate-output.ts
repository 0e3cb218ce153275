import { type MonthlySummary, PATCH_TO_PROD_LABEL, patchToProdText } from '../core/notifications/monthly-summary.js';
import { consistencyText } from '../local/simulator/audit-recovering.js';
import { apiCallTotals, apiCallTotalsText } from '../local/simulator/call-minimum.js';
import type { SimulationResult } from '../local/simulator/index.js';
import { formatMib } from '../local/simulator/peak-memory.js';
import type { SimulationReport } from '../local/simulator/report.js';
import { type PrintedLine, type RepeatFolder, repeatedText } from '../local/simulator/timeline-fold.js';
import { renderCost } from './cost-output.js';

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const minute = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');

/** The monthly summaries as sent: one row per month and image, then what waited and what the month cost. */
function renderSummaries(summaries: readonly MonthlySummary[]): string[] {
  const rows = summaries.flatMap((m) =>
    m.images.map((i) => [
      m.month,
      i.image,
      String(i.built),
      String(i.failed),
      String(i.promoted),
      String(i.rejected),
      patchToProdText(i.patchToProdHours),
      i.cost === undefined ? '—' : i.cost.toFixed(2),
    ]),
  );
  const months = summaries.map(
    (m) =>
      `  ${m.month}: ${m.waiting.length} approval(s) waiting at the month's end${
        m.waiting.length
          ? ` (${m.waiting.map((w) => `${w.image} ${w.version} → ${w.channel} on ${w.on.join(', ')}`).join('; ')})`
          : ''
      }${m.cost ? `; cost ${m.cost.total.toFixed(2)} ${m.cost.currency}` : ''}`,
  );
  return [
    'Monthly summaries (as announced)',
    table(['month', 'image', 'built', 'failed', 'promoted', 'rejected', PATCH_TO_PROD_LABEL, 'cost'], rows),
    ...months,
  ];
}

/** The first line of `goldsmith simulate`'s human output, printed before the run starts. */
export function renderHeader(scenario: SimulationReport['scenario']): string {
  return `Goldsmith simulation ${minute(scenario.start)} → ${minute(scenario.until)} (seed ${scenario.seed})\n\n`;
}

/** One timeline line, as printed while the run goes on. */
export function renderTimelineLine(line: PrintedLine): string {
  return `${minute(line.at)}  ${line.image.padEnd(12)} ${line.text}\n`;
}

/** The outcomes the streamed timeline printed once and then folded: how often each happened again. */
export function renderRepeats(folder: RepeatFolder): string {
  const repeats = folder.repeats();
  if (repeats.length === 0) return '';
  const lines = repeats.map((r) => `${minute(r.line.at)}  ${r.line.image.padEnd(12)} ${repeatedText(r)}`);
  return `\nRepeated outcomes (printed once above)\n${lines.join('\n')}\n`;
}

/** What `goldsmith simulate` prints after the timeline: summary tables, then the run's figures. */
export function renderTables(result: SimulationResult): string {
  const { report, notes, run } = result;
  const out: string[] = [];
  out.push('', 'Builds');
  out.push(
    table(
      ['image', 'version', 'trigger', 'status', 'requested', 'finished'],
      report.builds.map((b) => [b.image, b.version, b.trigger, b.status, minute(b.requestedAt), minute(b.finishedAt)]),
    ),
  );
  out.push('', 'Promotions');
  out.push(
    table(
      ['image', 'version', 'channel', 'outcome', 'at', 'regions', 'OUs', 'accounts', 'reason'],
      report.promotions.map((p) => [
        p.image,
        p.version,
        p.channel,
        p.outcome,
        minute(p.at),
        String(p.regions.length),
        String(p.targets.ous),
        String(p.targets.accounts),
        p.outcome === 'promoted' ? '' : p.reason,
      ]),
    ),
  );
  if (report.summaries?.length) out.push('', ...renderSummaries(report.summaries));
  out.push('', 'Channel pointers (/goldsmith/<image>/<channel>)');
  out.push(
    table(
      ['pointer', 'regions', 'AMI (first region)'],
      Object.entries(report.pointers).map(([k, v]) => [k, String(Object.keys(v).length), Object.values(v)[0] ?? '']),
    ),
  );
  const calls = Object.entries(report.apiCalls);
  out.push('', 'AWS API calls (every service but DynamoDB, whose requests the totals add)');
  out.push(
    table(
      ['call', 'count'],
      calls.map(([k, v]) => [k, String(v)]),
    ),
  );
  out.push('', 'Totals');
  const promoted = report.promotions.filter((p) => p.outcome === 'promoted').length;
  const totals = apiCallTotals(report.apiCalls, report.callPlan);
  out.push(
    table(
      ['what', 'value'],
      [
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
      ],
    ),
  );
  for (const p of report.consistency.problems) out.push(`  consistency: ${p}`);
  for (const r of report.consistency.recovering ?? []) out.push(`  recovering: ${r}`);
  for (const v of report.apiModel.violations) out.push(`  API model: ${v}`);
  if (report.cost) out.push('', ...renderCost(report.cost));
  for (const n of notes) out.push(`note: ${n}`);
  out.push(
    '',
    `${run.simulatedMonths.toFixed(1)} simulated months in ${(run.wallMs / 1000).toFixed(1)} s: ${run.monthsPerSecond.toFixed(2)} simulated months per second (peak memory ${formatMib(run.peakRssMb)})`,
  );
  return `${out.join('\n')}\n`;
}

/** `simulate --slack`: the Slack channel as a person would read it, each thread's replies indented under its root. */
export function renderSlackChannel(messages: SimulationResult['slackMessages']): string {
  if (!messages) return '\nSlack: the catalog configures no Slack channel.\n';
  const replies = new Map<string, typeof messages>();
  for (const m of messages) if (m.threadTs) replies.set(m.threadTs, [...(replies.get(m.threadTs) ?? []), m]);
  const line = (m: (typeof messages)[number], indent: string) =>
    `${minute(m.at)}  ${indent}${m.text}${m.replaced.length > 0 ? ' (edited in place)' : ''}`;
  const lines = ['', `What Slack received (${messages.length} messages)`];
  for (const root of messages.filter((m) => !m.threadTs)) {
    lines.push(line(root, ''));
    for (const r of replies.get(root.ts) ?? []) lines.push(line(r, r.broadcast ? '  ↳ [also in channel] ' : '  ↳ '));
  }
  return `${lines.join('\n')}\n`;
}
