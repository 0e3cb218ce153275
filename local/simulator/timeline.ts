import type { DeadLetter } from './invoke.js';
import type { SimulationReport } from './report.js';

export interface TimelineEntry {
  at: string;
  image: string;
  text: string;
}

/** One line per step, in time order: builds requested and finished, approvals, channel outcomes, rejections. */
export function buildTimeline(
  report: SimulationReport,
  statuses: { at: string; image: string; version: string; status: string; reason?: string }[],
  callbacks: { at: string; status: number; body: string }[],
  deadLetters: DeadLetter[],
  notes: string[],
): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const b of report.builds) {
    entries.push({ at: b.requestedAt, image: b.image, text: `build ${b.version} requested (${b.trigger})` });
  }
  for (const s of statuses.filter((x) => ['AVAILABLE', 'FAILED', 'CANCELLED'].includes(x.status))) {
    entries.push({
      at: s.at,
      image: s.image,
      text: `build ${s.version} ${s.status}${s.reason ? `: ${s.reason}` : ''}`,
    });
  }
  for (const n of report.notifications.filter((x) => x.event === 'approval-requested')) {
    entries.push({ at: n.at, image: n.image, text: `approval requested for ${n.channel ?? '?'}` });
  }
  for (const c of callbacks)
    entries.push({ at: c.at, image: '', text: `approval link answered ${c.status}: ${c.body}` });
  for (const p of report.promotions) {
    const verb = p.outcome === 'promoted' ? `promoted to ${p.channel}` : `${p.outcome} for ${p.channel}`;
    entries.push({
      at: p.at,
      image: p.image,
      text: `${p.version} ${verb}${p.outcome === 'promoted' ? '' : `: ${p.reason}`}`,
    });
  }
  for (const d of deadLetters) entries.push({ at: d.at, image: '', text: `event rejected to DLQ: ${d.reason}` });
  for (const note of notes) entries.push({ at: note.slice(0, 24), image: '', text: note.slice(25) });
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}
