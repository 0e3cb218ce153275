import type { SimulationResult } from '../index.js';
import { foldRepeats } from '../timeline-fold.js';
import {
  costTables,
  type FiguresTable,
  runFiguresText,
  summaryMonthLines,
  summaryTable,
  totalsFindings,
  totalsOf,
} from '../totals.js';
import { esc, minute } from './escape.js';
import type { MonthRow } from './months.js';

function table(id: string, headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table id="${id}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** What the text output prints under its totals: each finding, then the run's own figures. */
function totalsNotes(lines: readonly string[], cls = 'totals-notes'): string {
  return `<ul class="${cls}">${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`;
}

const figures = (t: FiguresTable) => table(t.id, t.headers, t.rows);

/** The monthly summaries as the text prints them: a row per month and image, then each month's waiting and cost. */
function summariesSection(summaries: SimulationResult['report']['summaries']): [string, string][] {
  if (!summaries?.length) return [];
  const notes = totalsNotes(summaryMonthLines(summaries), 'summary-notes');
  return [['Monthly summaries (as announced)', figures(summaryTable(summaries)) + notes]];
}

/** Every rollout's waves, one row per wave: how it ended, when, and what it refreshed and took back. */
function rolloutsSection(rollouts: SimulationResult['report']['rollouts']): [string, string][] {
  if (rollouts.length === 0) return [];
  const rows = rollouts.flatMap((r) =>
    r.waves.map((w, i) => [
      `${r.image} ${r.version} → ${r.channel}`,
      `${i + 1}/${r.waves.length} ${w.name}`,
      w.alarm
        ? `${w.state} (alarm ${w.alarm.name} in ${w.alarm.account} ${w.alarm.region} ${minute(w.alarm.at)})`
        : w.state,
      minute(w.startedAt),
      minute(w.rolledBackAt ?? w.endedAt),
      `${w.refreshed}/${w.groups}`,
      w.back,
      i === 0 ? `${r.state}${r.retries > 0 ? `, retried ${r.retries}×` : ''}${r.reason ? `: ${r.reason}` : ''}` : '',
    ]),
  );
  const headers = ['rollout', 'wave', 'wave state', 'started', 'ended', 'refreshed', 'back', 'rollout'];
  return [['Rollouts (every wave)', table('rollouts', headers, rows)]];
}

/** The estimated cost as the text prints it: its figures, per image, per month. */
function costSection(cost: SimulationResult['report']['cost']): [string, string][] {
  return cost ? [['Estimated cost', costTables(cost).map(figures).join('')]] : [];
}

/**
 * The human output's tables, as HTML: timeline, builds, promotions, monthly summaries, pointer history and pointers,
 * API calls, totals, cost.
 */
export function renderTables(result: SimulationResult, months: readonly MonthRow[]): string {
  const { report, run } = result;
  const promoted = report.promotions.filter((p) => p.outcome === 'promoted');
  // What each approval request said its version changes against the channel's current one (its subject names the version).
  const changesOf = (p: { image: string; version: string; channel: string }) =>
    report.notifications.find(
      (n) =>
        n.event === 'approval-requested' &&
        n.image === p.image &&
        n.channel === p.channel &&
        n.subject.includes(` ${p.version} `),
    )?.changes ?? '';
  const sections: [string, string][] = [
    [
      'Timeline',
      table(
        'timeline-table',
        ['at', 'image', 'step'],
        foldRepeats(result.timeline).map((e) => [minute(e.at), e.image, e.text]),
      ),
    ],
    [
      'Per month',
      table(
        'months-table',
        ['month', 'builds', 'promoted', 'rejected / expired / aborted', 'builds, storage, pointers (USD)'],
        months.map((m) => [m.month, m.builds, m.promoted, m.failed, m.cost === undefined ? '—' : m.cost.toFixed(2)]),
      ),
    ],
    [
      'Builds',
      table(
        'builds',
        ['image', 'version', 'trigger', 'status', 'requested', 'finished'],
        report.builds.map((b) => [
          b.image,
          b.version,
          b.trigger,
          b.status,
          minute(b.requestedAt),
          minute(b.finishedAt),
        ]),
      ),
    ],
    [
      'Promotions',
      table(
        'promotions',
        ['image', 'version', 'channel', 'outcome', 'at', 'regions', 'OUs', 'accounts', 'reason', 'changes'],
        report.promotions.map((p) => [
          p.image,
          p.version,
          p.channel,
          p.outcome,
          minute(p.at),
          p.regions.length,
          p.targets.ous,
          p.targets.accounts,
          p.outcome === 'promoted' ? '' : p.reason,
          changesOf(p),
        ]),
      ),
    ],
    ...rolloutsSection(report.rollouts),
    ...summariesSection(report.summaries),
    [
      'Pointer movements',
      table(
        'pointer-history',
        ['at', 'pointer', 'moved to'],
        promoted.map((p) => [minute(p.at), `/goldsmith/${p.image}/${p.channel}`, p.version]),
      ),
    ],
    [
      'Channel pointers at the end',
      table(
        'pointers',
        ['pointer', 'regions', 'first region'],
        Object.entries(report.pointers).map(([k, v]) => [k, Object.keys(v).length, Object.values(v)[0] ?? '']),
      ),
    ],
    [
      'AWS API calls (every service but DynamoDB, whose requests the totals add)',
      table(
        'api-calls',
        ['call', 'count'],
        Object.entries(report.apiCalls).map(([k, v]) => [k, v]),
      ),
    ],
    [
      'Totals',
      table(
        'totals',
        ['what', 'value'],
        totalsOf(report).map((r) => [r.what, r.value]),
      ) + totalsNotes([...totalsFindings(report).map((f) => f.trim()), runFiguresText(run)]),
    ],
    ...costSection(report.cost),
  ];
  // Long tables (a year's timeline, hundreds of builds) start folded so the page stays navigable.
  return sections
    .map(([title, html]) => {
      const rows = (html?.match(/<tr>/g)?.length ?? 1) - 1;
      const open = rows <= 40 ? ' open' : '';
      return `<section class="table"><details${open}><summary>${esc(title)} (${rows})</summary>${html}</details></section>`;
    })
    .join('\n');
}
