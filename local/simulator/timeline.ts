import type { DeadLetter } from './invoke.js';
import type { SimulationReport } from './report.js';

export interface TimelineEntry {
  at: string;
  image: string;
  text: string;
}

// At one instant, steps happen in this order: a build is requested, it finishes, a channel decides, the next
// channel asks for approval, an approver answers.
type Ranked = TimelineEntry & { rank: number };

/** One line per step, in time order: builds requested and finished, approvals, channel outcomes, rejections. */
export function buildTimeline(
  report: SimulationReport,
  statuses: { at: string; image: string; version: string; status: string; reason?: string }[],
  callbacks: { at: string; status: number; body: string }[],
  deadLetters: DeadLetter[],
  notes: readonly { at: string; text: string }[],
  channels: readonly string[],
): TimelineEntry[] {
  const entries: Ranked[] = [];
  const channelRank = (channel: string) => Math.max(0, channels.indexOf(channel));
  for (const b of report.builds) {
    entries.push({ at: b.requestedAt, image: b.image, text: `build ${b.version} requested (${b.trigger})`, rank: 0 });
  }
  for (const s of statuses.filter((x) => ['AVAILABLE', 'FAILED', 'CANCELLED'].includes(x.status))) {
    const text = `build ${s.version} ${s.status}${s.reason ? `: ${s.reason}` : ''}`;
    entries.push({ at: s.at, image: s.image, text, rank: 1 });
  }
  for (const n of report.notifications.filter((x) => x.event === 'approval-requested')) {
    const text = `approval requested for ${n.channel ?? '?'}`;
    entries.push({ at: n.at, image: n.image, text, rank: 2.5 + channelRank(n.channel ?? '') });
  }
  for (const c of callbacks) {
    const text = `approval link answered ${c.status}: ${c.body}`;
    entries.push({ at: c.at, image: '', text, rank: 2.6 + channels.length });
  }
  for (const p of report.promotions) {
    const verb = p.outcome === 'promoted' ? `promoted to ${p.channel}` : `${p.outcome} for ${p.channel}`;
    const text = `${p.version} ${verb}${p.outcome === 'promoted' ? '' : `: ${p.reason}`}`;
    entries.push({
      at: p.at,
      image: p.image,
      text,
      rank: 2 + channelRank(p.channel) + (p.outcome === 'promoted' ? 0 : 0.7),
    });
  }
  for (const d of deadLetters)
    entries.push({ at: d.at, image: '', text: `event rejected to DLQ: ${d.reason}`, rank: 9 });
  for (const note of notes) entries.push({ at: note.at, image: '', text: note.text, rank: 9 });
  return entries.sort((a, b) => a.at.localeCompare(b.at) || a.rank - b.rank).map(({ rank: _rank, ...entry }) => entry);
}
