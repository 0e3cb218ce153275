import type { SimulationReport } from '../report.js';
import { esc, monthKey, monthsBetween } from './escape.js';

export interface MonthRow {
  month: string;
  builds: number;
  promoted: number;
  failed: number;
  cost?: number;
}

/** Builds, promoted channel steps, failed ones (rejected, expired, aborted) and, where the report has it, cost. */
export function monthRows(report: SimulationReport): MonthRow[] {
  const perMonth = costPerMonth(report);
  const rows = new Map<string, MonthRow>(
    monthsBetween(Date.parse(report.scenario.start), Date.parse(report.scenario.until)).map((d) => {
      const month = d.toISOString().slice(0, 7);
      const cost = perMonth?.[month];
      return [month, { month, builds: 0, promoted: 0, failed: 0, ...(cost === undefined ? {} : { cost }) }];
    }),
  );
  for (const b of report.builds) {
    const row = rows.get(monthKey(b.requestedAt));
    if (row) row.builds++;
  }
  for (const p of report.promotions) {
    const row = rows.get(monthKey(p.at));
    if (!row) continue;
    if (p.outcome === 'promoted') row.promoted++;
    else row.failed++;
  }
  return [...rows.values()];
}

/** The report's cost per month (`cost.perMonth`, `YYYY-MM` → amount), when the run estimated costs. */
function costPerMonth(report: SimulationReport): Record<string, number> | undefined {
  const cost = (report as { cost?: { perMonth?: unknown } }).cost;
  const perMonth = cost?.perMonth;
  if (typeof perMonth !== 'object' || perMonth === null) return undefined;
  return Object.fromEntries(Object.entries(perMonth).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

const SERIES = [
  { key: 'builds', label: 'builds', colour: '#1565c0' },
  { key: 'promoted', label: 'promoted', colour: '#2e7d32' },
  { key: 'failed', label: 'rejected / expired / aborted', colour: '#c62828' },
] as const;

/** A grouped bar chart, one group per month; cost (if any) as a line on its own scale, labelled in USD. */
export function renderMonths(rows: readonly MonthRow[]): string {
  const width = 1160;
  const height = 220;
  const left = 40;
  const bottom = 30;
  const top = 20;
  const max = Math.max(1, ...rows.flatMap((r) => [r.builds, r.promoted, r.failed]));
  const group = (width - left - 60) / Math.max(1, rows.length);
  const bar = Math.min(28, (group - 10) / SERIES.length);
  const scale = (v: number) => ((height - top - bottom) * v) / max;
  const parts: string[] = [
    `<line class="axis" x1="${left}" x2="${width - 20}" y1="${height - bottom}" y2="${height - bottom}" />`,
    `<text class="axis-label" x="4" y="${top + 4}">${max}</text>`,
  ];
  rows.forEach((r, i) => {
    const gx = left + i * group + 5;
    SERIES.forEach((s, j) => {
      const v = r[s.key];
      const h = scale(v);
      parts.push(
        `<rect class="bar" data-month="${r.month}" data-series="${s.key}" data-value="${v}" x="${gx + j * bar}" y="${height - bottom - h}" width="${bar - 2}" height="${h}" fill="${s.colour}"><title>${esc(`${r.month}: ${v} ${s.label}`)}</title></rect>`,
      );
    });
    parts.push(`<text class="month" x="${gx}" y="${height - bottom + 16}">${r.month}</text>`);
  });
  const costs = rows.filter((r) => r.cost !== undefined);
  if (costs.length > 0) {
    const maxCost = Math.max(1e-9, ...costs.map((r) => r.cost ?? 0));
    const points = rows
      .map((r, i) =>
        r.cost === undefined
          ? undefined
          : `${left + i * group + group / 2},${height - bottom - ((height - top - bottom) * r.cost) / maxCost}`,
      )
      .filter((p): p is string => p !== undefined);
    // Each month's point says its cost on hover, as the bars say their counts.
    const dots = rows.flatMap((r, i) =>
      r.cost === undefined
        ? []
        : [
            `<circle class="cost-point" cx="${left + i * group + group / 2}" cy="${height - bottom - ((height - top - bottom) * r.cost) / maxCost}" r="3" fill="#6a1b9a"><title>${esc(r.month)}: ${r.cost.toFixed(2)} USD (builds, storage, pointers)</title></circle>`,
          ],
    );
    parts.push(
      `<polyline class="cost" data-series="cost" points="${points.join(' ')}" fill="none" stroke="#6a1b9a" stroke-width="2" />`,
      ...dots,
      `<text class="axis-label" x="${width - 58}" y="${top + 4}" fill="#6a1b9a">$${maxCost.toFixed(0)}</text>`,
    );
  }
  const legend = [
    ...SERIES,
    ...(costs.length ? [{ label: 'builds, storage and pointers (USD, right scale)', colour: '#6a1b9a' }] : []),
  ]
    .map((s) => `<span class="key"><i style="background:${s.colour}"></i>${esc(s.label)}</span>`)
    .join(' ');
  return `<svg id="months-chart" class="chart" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="Builds, outcomes and cost per month">${parts.join('')}</svg><p class="legend">${legend}</p>`;
}
