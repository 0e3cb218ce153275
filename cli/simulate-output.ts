import type { CostReport } from '../core/cost/estimate.js';
import type { MonthlySummary } from '../core/notifications/monthly-summary.js';
import type { SimulationResult } from '../local/simulator/index.js';
import type { SimulationReport } from '../local/simulator/report.js';
import { type PrintedLine, type RepeatFolder, repeatedText } from '../local/simulator/timeline-fold.js';
import {
  costTables,
  type FiguresTable,
  runFiguresText,
  summaryMonthLines,
  summaryTable,
  totalsFindings,
  totalsRows,
} from '../local/simulator/totals.js';

/** Rows under their headers, columns padded to their widths; with no rows, `(none)` or why there are none. */
export function table(headers: string[], rows: string[][], none = 'none'): string {
  if (rows.length === 0) return `(${none})`;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const figures = (t: FiguresTable) => table(t.headers, t.rows);

const minute = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');

/** Why the summaries' table is empty: none was due in the window, or the catalog sends none. */
const NO_SUMMARY =
  "none: no monthly summary was sent in the window (a month's goes out in the month after, on notifications.monthlySummary's day, unless that is false)";

/** The monthly summaries as sent: one row per month and image, then what waited and what the month cost. */
function renderSummaries(summaries: readonly MonthlySummary[]): string[] {
  const t = summaryTable(summaries);
  return [
    'Monthly summaries (as announced)',
    table(t.headers, t.rows, NO_SUMMARY),
    ...summaryMonthLines(summaries).map((l) => `  ${l}`),
  ];
}

/** The estimated cost: its figures, then per image and per month. */
function renderCost(cost: CostReport): string[] {
  return ['Estimated cost', costTables(cost).map(figures).join('\n\n')];
}

/** The first line of `goldsmith simulate`'s human output, printed before the run starts. */
export function renderHeader(scenario: SimulationReport['scenario']): string {
  return `Goldsmith simulation ${minute(scenario.start)} → ${minute(scenario.until)} (seed ${scenario.seed})\n\n`;
}

/** One timeline line, as printed while the run goes on. */
export function renderTimelineLine(line: PrintedLine): string {
  return `${minute(line.at)}  ${line.image.padEnd(12)} ${line.text}\n`;
}

/** Printed where the timeline's lines go when the window held none. */
export const EMPTY_TIMELINE =
  '(no timeline line: nothing the timeline tells, such as a build, a promotion or an outcome, happened in the window)\n';

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
      'none: no build was started',
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
      'none: no build reached a channel',
    ),
  );
  out.push('', ...renderSummaries(report.summaries ?? []));
  out.push('', 'Channel pointers (/goldsmith/<image>/<channel>)');
  out.push(
    table(
      ['pointer', 'regions', 'AMI or image digest (first region)'],
      Object.entries(report.pointers).map(([k, v]) => [k, String(Object.keys(v).length), Object.values(v)[0] ?? '']),
      'none: no channel names a version (nothing promoted, or every pointer withdrawn)',
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
  out.push('', 'Totals', table(['what', 'value'], totalsRows(report)), ...totalsFindings(report));
  if (report.cost) out.push('', ...renderCost(report.cost));
  for (const n of notes) out.push(`note: ${n}`);
  out.push('', runFiguresText(run));
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
