import type { SimulationReport } from '../report.js';
import type { TimelineEntry } from '../timeline.js';
import { esc, minute, monthsBetween } from './escape.js';

const LABEL_W = 190;
const WIDTH = 1160;
const LANE_H = 18;
const TOP = 26;
const DELIVERIES_LANE = 'dead letters';

export const OUTCOME_COLOURS: Record<string, string> = {
  promoted: '#2e7d32',
  rejected: '#c62828',
  expired: '#757575',
  aborted: '#ef6c00',
  AVAILABLE: '#1565c0',
  FAILED: '#c62828',
  CANCELLED: '#757575',
};

/** The marks of what changed a channel or stopped work beside builds and outcomes (timeline kind `lifecycle`). */
export const LIFECYCLE_COLOURS: Record<string, string> = {
  revoked: '#b71c1c',
  'version-restored': '#2e7d32',
  'rolled-back': '#d81b60',
  'pointer-withdrawn': '#d81b60',
  'findings-reported': '#6a1b9a',
  paused: '#f57f17',
  resumed: '#00838f',
  'builds-paused': '#4e342e',
  recovered: '#43a047',
};

/** The marks of a rollout's waves and ends (timeline kind `rollout`), triangles on the channel's lane. */
export const ROLLOUT_COLOURS: Record<string, string> = {
  'wave-started': '#5c6bc0',
  'wave-healthy': '#2e7d32',
  'wave-failed': '#c62828',
  'wave-cancelled': '#757575',
  'wave-rolled-back': '#d81b60',
  'rollout-halted': '#b71c1c',
  'rollout-completed': '#1b5e20',
  'rollout-action': '#00838f',
};

interface Lane {
  image: string;
  channel?: string;
}

/**
 * The run as lanes over time: per image, a build lane (a bar from request to finish, coloured by status) and one
 * lane per channel (a bar while an approval waits, a mark per outcome: promoted, rejected, expired, aborted; the
 * version that each promotion moved the channel's pointer to). Revocations, rollbacks, pauses and resumes are
 * diamonds on the lane they are about (a channel's, else the image's build lane); notes about an image too; each
 * rollout's waves (started, healthy, failed, rolled back) and its halt or completion are triangles on its channel's. Every
 * mark has a tooltip (`<title>`) with the full line.
 */
export function renderLanes(
  report: SimulationReport,
  timeline: readonly TimelineEntry[],
  images: readonly string[],
  channelsOf: (image: string) => readonly string[],
): string {
  const start = Date.parse(report.scenario.start);
  const until = Date.parse(report.scenario.until);
  // Events our functions failed on (dead-lettered) and their recoveries belong to no image: a lane of their own.
  const deliveries = timeline.filter((t) => t.kind === 'rejected-event' || t.kind === 'recovered');
  const lanes: Lane[] = [
    ...(deliveries.length > 0 ? [{ image: '' }] : []),
    ...images.flatMap((image) => [{ image }, ...channelsOf(image).map((channel) => ({ image, channel }))]),
  ];
  const laneIndex = new Map(lanes.map((l, i) => [`${l.image}/${l.channel ?? ''}`, i]));
  const height = TOP + lanes.length * LANE_H + 10;
  const x = (iso: string) =>
    LABEL_W +
    ((Math.min(until, Math.max(start, Date.parse(iso))) - start) / Math.max(1, until - start)) * (WIDTH - LABEL_W - 10);
  const y = (image: string, channel?: string) => TOP + (laneIndex.get(`${image}/${channel ?? ''}`) ?? 0) * LANE_H;

  const parts: string[] = [];
  for (const m of monthsBetween(start, until)) {
    const mx = x(m.toISOString());
    parts.push(
      `<line class="grid" x1="${mx}" x2="${mx}" y1="${TOP - 6}" y2="${height}" />`,
      `<text class="month" x="${mx + 3}" y="${TOP - 10}">${m.toISOString().slice(0, 7)}</text>`,
    );
  }
  lanes.forEach((lane, i) => {
    const ly = TOP + i * LANE_H;
    const label = lane.channel ? `  ${lane.channel}` : lane.image || DELIVERIES_LANE;
    parts.push(
      `<g class="lane" data-image="${esc(lane.image)}" data-channel="${esc(lane.channel ?? '')}">`,
      `<rect class="${lane.channel ? 'lane-bg' : 'lane-bg image-row'}" x="0" y="${ly}" width="${WIDTH}" height="${LANE_H}" />`,
      `<text class="lane-label${lane.channel ? '' : ' image'}" x="6" y="${ly + 13}">${esc(label)}</text>`,
      '</g>',
    );
  });

  for (const b of report.builds) {
    const x1 = x(b.requestedAt);
    const x2 = Math.max(x1 + 2, x(b.finishedAt ?? report.scenario.until));
    const tip = `${b.image} ${b.version}: ${b.trigger} build ${b.status} (${minute(b.requestedAt)} → ${minute(b.finishedAt)})`;
    parts.push(
      `<g class="event" data-kind="build" data-image="${esc(b.image)}" data-status="${esc(b.status)}"><title>${esc(tip)}</title>`,
      `<rect x="${x1}" y="${y(b.image) + 4}" width="${x2 - x1}" height="${LANE_H - 8}" rx="2" fill="${OUTCOME_COLOURS[b.status] ?? '#90a4ae'}" /></g>`,
    );
  }

  const waiting = new Map<string, string>();
  for (const e of timeline) {
    if (e.kind === 'approval-requested' && e.channel) waiting.set(`${e.image}/${e.channel}/${e.version ?? ''}`, e.at);
  }
  for (const p of report.promotions) {
    const ly = y(p.image, p.channel);
    const asked = waiting.get(`${p.image}/${p.channel}/${p.version}`);
    if (asked) {
      const x1 = x(asked);
      parts.push(
        `<g class="event" data-kind="approval" data-image="${esc(p.image)}" data-channel="${esc(p.channel)}"><title>${esc(`${p.image} ${p.version}: approval for ${p.channel} requested ${minute(asked)}, ${p.outcome} ${minute(p.at)}`)}</title>`,
        `<rect x="${x1}" y="${ly + 6}" width="${Math.max(2, x(p.at) - x1)}" height="${LANE_H - 12}" fill="#fbc02d" /></g>`,
      );
    }
    const px = x(p.at);
    const colour = OUTCOME_COLOURS[p.outcome] ?? '#000';
    const tip = `${p.image} ${p.version} ${p.outcome} ${p.outcome === 'promoted' ? 'to' : 'for'} ${p.channel} at ${minute(p.at)}${p.reason ? `: ${p.reason}` : ''}`;
    const mark =
      p.outcome === 'promoted'
        ? `<circle cx="${px}" cy="${ly + LANE_H / 2}" r="4" fill="${colour}" />`
        : `<path d="M${px - 4} ${ly + 5} l8 8 m0 -8 l-8 8" stroke="${colour}" stroke-width="2" />`;
    parts.push(
      `<g class="event" data-kind="${esc(p.outcome)}" data-image="${esc(p.image)}" data-channel="${esc(p.channel)}" data-version="${esc(p.version)}"><title>${esc(tip)}</title>${mark}</g>`,
    );
  }

  for (const e of timeline.filter(
    (t) => (t.kind === 'note' || t.kind === 'lifecycle') && laneIndex.has(`${t.image}/`),
  )) {
    const onChannel = e.channel !== undefined && laneIndex.has(`${e.image}/${e.channel}`);
    const nx = x(e.at);
    const ny = y(e.image, onChannel ? e.channel : undefined) + LANE_H / 2;
    const kind = e.kind === 'lifecycle' ? (e.outcome ?? 'lifecycle') : 'note';
    const what = `${e.image}${onChannel ? `/${e.channel}` : ''}`;
    parts.push(
      `<g class="event" data-kind="${esc(kind)}" data-image="${esc(e.image)}" data-channel="${esc(onChannel ? (e.channel ?? '') : '')}"><title>${esc(`${minute(e.at)} ${what} ${e.text}`)}</title>`,
      `<path d="M${nx} ${ny - 5} l5 5 l-5 5 l-5 -5 z" fill="${LIFECYCLE_COLOURS[kind] ?? '#6a1b9a'}" /></g>`,
    );
  }
  for (const e of timeline.filter((t) => t.kind === 'rollout' && laneIndex.has(`${t.image}/${t.channel ?? ''}`))) {
    const rx = x(e.at);
    const ry = y(e.image, e.channel);
    const kind = e.outcome ?? 'rollout';
    parts.push(
      `<g class="event" data-kind="rollout" data-mark="${esc(kind)}" data-image="${esc(e.image)}" data-channel="${esc(e.channel ?? '')}"><title>${esc(`${minute(e.at)} ${e.image}/${e.channel ?? ''} ${e.text}`)}</title>`,
      `<path d="M${rx} ${ry + 3} l5 ${LANE_H - 6} l-10 0 z" fill="${ROLLOUT_COLOURS[kind] ?? '#5c6bc0'}" /></g>`,
    );
  }
  for (const e of deliveries) {
    const ex = x(e.at);
    const ey = y('');
    const mark =
      e.kind === 'recovered'
        ? `<path d="M${ex} ${ey + 4} l5 5 l-5 5 l-5 -5 z" fill="${LIFECYCLE_COLOURS.recovered}" />`
        : `<path d="M${ex - 4} ${ey + 5} l8 8 m0 -8 l-8 8" stroke="${OUTCOME_COLOURS.rejected}" stroke-width="2" />`;
    parts.push(`<g class="event" data-kind="${e.kind}"><title>${esc(`${minute(e.at)} ${e.text}`)}</title>${mark}</g>`);
  }
  return `<svg id="lanes" class="lanes" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="Builds and channel outcomes over time">${parts.join('')}</svg>`;
}
