import { consistencyText } from '../audit-recovering.js';
import type { SimulationResult } from '../index.js';
import { channelPromotions, costRows, runFiguresText } from '../totals.js';
import { esc, minute } from './escape.js';
import { renderFleet } from './fleet.js';
import { LIFECYCLE_COLOURS, OUTCOME_COLOURS, ROLLOUT_COLOURS, renderLanes } from './lanes.js';
import { monthRows, renderMonths } from './months.js';
import { renderTables } from './tables.js';

const STYLE = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#212121}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.summary{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}.summary div{background:#f5f5f5;border-radius:6px;padding:8px 12px}
.summary b{display:block;font-size:20px}.ok{color:#2e7d32}.bad{color:#c62828}
.lanes-wrap{max-height:75vh;overflow-y:auto;border:1px solid #e0e0e0;border-radius:6px}
svg text{font-size:11px;fill:#424242}svg .lane-label.image{font-weight:600}svg .month{fill:#757575}
svg .lane-bg{fill:#fff}svg .lane-bg.image-row{fill:#f5f7fa}svg .grid{stroke:#e0e0e0}svg .axis{stroke:#9e9e9e}
.legend .key{margin-right:14px;white-space:nowrap}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
table{border-collapse:collapse;width:100%;font-size:12.5px}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{background:#fafafa;position:sticky;top:0}section.table{overflow-x:auto}
details summary{cursor:pointer;font-weight:600;margin:6px 0}
`;

/**
 * The run as one self-contained HTML page (no network, no scripts): a summary, lanes per image and channel over
 * time, a month-by-month chart, the fleet (runs with fleets), and the human output's tables.
 */
export function renderHtml(result: SimulationResult, channelsOf: (image: string) => readonly string[]): string {
  const { report, timeline, notes, run } = result;
  const images = [...new Set(report.builds.map((b) => b.image))].sort();
  const months = monthRows(report);
  const promoted = channelPromotions(report.promotions);
  const failed = report.promotions.length - promoted;
  const figures: [string, string, string?][] = [
    ['builds', String(report.builds.length)],
    ['promoted', String(promoted)],
    ['rejected / expired / aborted', String(failed)],
    ['notifications', String(report.notifications.length)],
    ...(report.cost
      ? costRows(report.cost)
          .slice(0, 1)
          .map((r): [string, string] => [r.what, r.value])
      : []),
    ['consistency', consistencyText(report.consistency), report.consistency.ok ? 'ok' : 'bad'],
  ];
  const legend = Object.entries(OUTCOME_COLOURS)
    .map(([k, c]) => `<span class="key"><i style="background:${c}"></i>${esc(k)}</span>`)
    .join(' ');
  const lifecycleLegend = Object.entries(LIFECYCLE_COLOURS)
    .map(([k, c]) => `<span class="key"><i style="background:${c};transform:rotate(45deg)"></i>${esc(k)}</span>`)
    .join(' ');
  const rolloutLegend = Object.entries(ROLLOUT_COLOURS)
    .map(
      ([k, c]) =>
        `<span class="key"><i style="background:${c};clip-path:polygon(50% 0,100% 100%,0 100%)"></i>${esc(k)}</span>`,
    )
    .join(' ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Goldsmith simulation ${esc(minute(report.scenario.start))} → ${esc(minute(report.scenario.until))}</title>
<style>${STYLE}</style></head>
<body>
<header><h1>Goldsmith simulation</h1>
<p>${esc(minute(report.scenario.start))} → ${esc(minute(report.scenario.until))} · seed ${esc(report.scenario.seed)} · ${esc(runFiguresText(run))}</p>
<div class="summary">${figures.map(([k, v, cls]) => `<div><b class="${cls ?? ''}">${esc(v)}</b>${esc(k)}</div>`).join('')}</div>
${report.consistency.problems.map((p) => `<p class="bad">consistency: ${esc(p)}</p>`).join('')}
${(report.consistency.recovering ?? []).map((p) => `<p>recovering: ${esc(p)}</p>`).join('')}
</header>
<section id="timeline"><h2>Timeline: builds and channels</h2>
<p class="legend">${legend} <span class="key"><i style="background:#fbc02d"></i>waiting for approval</span> ${lifecycleLegend} ${rolloutLegend} <span class="key"><i style="background:#6a1b9a"></i>note</span> — hover a mark for details; each promoted mark moved that channel's pointer.</p>
<div class="lanes-wrap">${renderLanes(report, timeline, images, channelsOf)}</div></section>
<section id="months"><h2>Month by month</h2>${renderMonths(months)}</section>
${renderFleet(report.fleet)}
${renderTables(result, months)}
${notes.length ? `<section id="notes"><h2>Notes</h2><ul>${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>` : ''}
</body></html>
`;
}
