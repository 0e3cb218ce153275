import { formatHours } from '../../../core/fleet/compliance-summary.js';
import { type ReachFigure, reachText } from '../../../core/fleet/rollout-reach.js';
import type { FleetFigures, FleetShareSeries } from '../report-fleet.js';
import { esc } from './escape.js';

const PALETTE = ['#1565c0', '#2e7d32', '#ef6c00', '#6a1b9a', '#00838f', '#c62828', '#5d4037', '#827717', '#ad1457'];
const WIDTH = 1100;
const HEIGHT = 140;
const LEFT = 40;

/** One version's colour, stable across the run (versions in order of first appearance). */
function colours(series: FleetShareSeries): Map<string, string> {
  const seen: string[] = [];
  for (const d of series.days) for (const v of Object.keys(d.instances)) if (!seen.includes(v)) seen.push(v);
  return new Map(seen.map((v, i) => [v, PALETTE[i % PALETTE.length] ?? '#9e9e9e']));
}

/** Per day a stacked bar: each version's share of the channel's instances (hover: version, instances, share). */
function shareChart(series: FleetShareSeries): string {
  const colour = colours(series);
  const days = series.days;
  const w = (WIDTH - LEFT) / Math.max(1, days.length);
  const bars: string[] = [];
  days.forEach((d, i) => {
    const total = Object.values(d.instances).reduce((a, b) => a + b, 0);
    let y = HEIGHT;
    for (const [version, n] of Object.entries(d.instances)) {
      const h = total === 0 ? 0 : (n / total) * HEIGHT;
      y -= h;
      const pct = Math.round((n / total) * 1000) / 10;
      bars.push(
        `<rect class="share" data-day="${esc(d.at.slice(0, 10))}" data-version="${esc(version)}" x="${(LEFT + i * w).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, w - 0.5).toFixed(1)}" height="${h.toFixed(1)}" fill="${colour.get(version)}"><title>${esc(d.at.slice(0, 10))} ${esc(version)}: ${n} instance(s), ${pct} %</title></rect>`,
      );
    }
  });
  const labels = [0, 50, 100]
    .map((p) => `<text x="0" y="${(HEIGHT - (p / 100) * HEIGHT + 4).toFixed(1)}">${p} %</text>`)
    .join('');
  const legend = [...colour]
    .map(([v, c]) => `<span class="key"><i style="background:${c}"></i>${esc(v)}</span>`)
    .join(' ');
  return `<h3>${esc(series.image)}/${esc(series.channel)}: share of instances by version</h3>
<p class="legend">${legend}</p>
<svg class="fleet-share" role="img" aria-label="${esc(series.image)}/${esc(series.channel)} instances by version, day by day" width="${WIDTH}" height="${HEIGHT + 10}" viewBox="0 0 ${WIDTH} ${HEIGHT + 10}">${labels}${bars.join('')}</svg>`;
}

function complianceTable(fleet: FleetFigures): string {
  const rows = fleet.compliance.map(
    (c) =>
      `<tr><td>${esc(c.cycle)}</td><td>${esc(c.image)}/${esc(c.channel)}</td><td>${esc(c.version)}</td><td>${esc(formatHours(c.pointerHours))}</td><td>${esc(formatHours(c.medianHoursTo90))}</td><td>${esc(formatHours(c.worstHoursTo90))}</td><td>${esc(c.laggards.join(', ') || '—')}</td></tr>`,
  );
  return `<section class="table" id="fleet-compliance"><h3>Patch compliance: from Patch Tuesday (or the finding) to 90 % of each OU's instances</h3>
<table><thead><tr><th>cycle</th><th>channel</th><th>version</th><th>pointer</th><th>median OU to 90 %</th><th>worst OU</th><th>OUs not at 90 %</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function laggardTable(fleet: FleetFigures): string {
  const count = (s: { accounts: number; instances: number } | undefined) =>
    s ? `${s.accounts} / ${s.instances}` : '—';
  const rows = fleet.standings
    .filter((r) => Object.keys(r.standings).length > 0)
    .map(
      (r) =>
        `<tr><td>${esc(r.image)}/${esc(r.channel)}</td><td>${esc(r.ou)}</td><td>${count(r.standings.current)}</td><td>${count(r.standings['one-behind'])}</td><td>${count(r.standings.older)}</td><td>${count(r.standings.revoked)}</td><td>${count(r.standings.retired)}</td><td>${esc(r.laggards.join(', ') || '—')}</td></tr>`,
    );
  return `<section class="table" id="fleet-laggards"><h3>Versions per channel and OU at the end (accounts / instances), and the accounts behind</h3>
<table><thead><tr><th>channel</th><th>OU</th><th>current</th><th>one behind</th><th>older</th><th>revoked</th><th>retired</th><th>accounts behind</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

/** Per channel and OU: pointer move to 90 % of instances, rollout groups beside hand-refreshed ones. */
function reachTable(fleet: FleetFigures): string {
  const cell = (f: ReachFigure | undefined) => esc(f ? reachText(f) : '—');
  const rows = fleet.reach.map(
    (r) =>
      `<tr><td>${esc(r.image)}/${esc(r.channel)}</td><td>${esc(r.ou)}</td><td>${r.versions.length}</td><td>${cell(r.rollout)}</td><td>${cell(r.afterWave)}</td><td>${cell(r.hand)}</td></tr>`,
  );
  return `<section class="table" id="fleet-reach"><h3>Pointer move to 90 % of each OU's instances on the new version, per version: rollout groups beside hand-refreshed ones</h3>
<table><thead><tr><th>channel</th><th>OU</th><th>versions</th><th>rollout groups</th><th>rollout groups, from their wave's start</th><th>hand-refreshed groups</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

/** The fleet panel: per channel the share of instances by version over time, patch compliance, laggard accounts. */
export function renderFleet(fleet: FleetFigures | undefined): string {
  if (!fleet) return '';
  return `<section id="fleet"><h2>The fleet</h2>
<p>What the member accounts ran (the scenario's fleets), and what Goldsmith measured from EC2's usage reports.</p>
${fleet.shares.map(shareChart).join('\n')}
${complianceTable(fleet)}
${reachTable(fleet)}
${laggardTable(fleet)}
</section>`;
}
