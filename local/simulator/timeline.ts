import type { LedgerItem } from '../../core/status/image-view.js';
import type { DeadLetter } from './invoke.js';
import type { SimulationReport } from './report.js';
import { deadLetterText, recoveredText } from './timeline-dead-letters.js';
import { LIFECYCLE_EVENTS, shortenArns, type TimelineEntry } from './timeline-entry.js';
import { ledgerEntries } from './timeline-ledger.js';
import { OPERATOR_REQUEST, step } from './timeline-order.js';

/** What the timeline reads of a report: the end-of-run report, or what a run in progress has recorded so far. */
export interface TimelineSources {
  builds: readonly Pick<SimulationReport['builds'][number], 'image' | 'version' | 'trigger' | 'requestedAt'>[];
  promotions: readonly Pick<
    SimulationReport['promotions'][number],
    'image' | 'version' | 'channel' | 'outcome' | 'reason' | 'at'
  >[];
  notifications: readonly SimulationReport['notifications'][number][];
  /** The ledger's `ROLLBACK#` and `FOUND#` items, which `history` tells and no announcement of their own does. */
  ledger?: readonly LedgerItem[];
}

export { LIFECYCLE_EVENTS, shortenArns, type TimelineEntry, type TimelineKind } from './timeline-entry.js';

const VERSION = /\b(\d+\.\d+\.\d+\/\d+)\b/;

/** When and what an announcement is about: its image, and the version and channel its subject names. */
function announcedAbout(
  n: TimelineSources['notifications'][number],
): Pick<TimelineEntry, 'at' | 'image' | 'version' | 'channel'> {
  const version = VERSION.exec(n.subject)?.[1];
  return { at: n.at, image: n.image, ...(version ? { version } : {}), ...(n.channel ? { channel: n.channel } : {}) };
}

/** An announcement's subject without the image it starts with (`base 1.0.0/2: revoked` → `1.0.0/2: revoked`). */
function withoutImage(subject: string, image: string): string {
  const sep = [': ', '/', ' '].find((s) => image && subject.startsWith(`${image}${s}`));
  return sep === undefined ? subject : subject.slice(image.length + sep.length);
}

/** A failure the scenario asked for is marked as such, so nobody mistakes the test for a fault. */
const scripted = (why: string | undefined) => (why ? ` [scripted: ${why}]` : '');

/** One line per step, in time order and, within an instant, in causal order (see {@link step}). */
export function buildTimeline(
  report: TimelineSources,
  statuses: { at: string; image: string; version: string; status: string; reason?: string; scripted?: string }[],
  callbacks: {
    at: string;
    status: number;
    body: string;
    image?: string;
    version?: string;
    channel?: string;
    scripted?: string;
    why?: string;
  }[],
  deadLetters: DeadLetter[],
  notes: readonly { at: string; text: string; request?: { channel?: string } }[],
  channels: readonly string[],
): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const b of report.builds) {
    entries.push({
      at: b.requestedAt,
      image: b.image,
      version: b.version,
      kind: 'build-requested',
      text: `build ${b.version} requested (${b.trigger})`,
    });
  }
  for (const s of statuses.filter((x) => ['AVAILABLE', 'FAILED', 'CANCELLED'].includes(x.status))) {
    entries.push({
      at: s.at,
      image: s.image,
      version: s.version,
      kind: 'build-finished',
      outcome: s.status,
      text: `build ${s.version} ${s.status}${s.reason ? `: ${shortenArns(s.reason)}` : ''}${scripted(s.scripted)}`,
    });
  }
  for (const n of report.notifications.filter((x) => x.event === 'approval-requested')) {
    const version = VERSION.exec(n.subject)?.[1];
    entries.push({
      ...announcedAbout(n),
      kind: 'approval-requested',
      text: `${version ? `${version} ` : ''}approval requested for ${n.channel ?? '?'}${n.changes ? ` — ${n.changes}` : ''}`,
    });
  }
  for (const c of callbacks) {
    entries.push({
      at: c.at,
      image: c.image ?? '',
      ...(c.version ? { version: c.version } : {}),
      ...(c.channel ? { channel: c.channel } : {}),
      kind: 'approval-answered',
      // A press of a Slack button is answered as `Slack <user id>: …` (approvals.ts): not a link.
      text: `${c.body.startsWith('Slack ') ? 'Slack button' : 'approval link'} answered ${c.status}: ${shortenArns(c.body)}${scripted(c.scripted)}${c.why ? ` [${c.why}]` : ''}`,
    });
  }
  for (const p of report.promotions) {
    const verb = p.outcome === 'promoted' ? `promoted to ${p.channel}` : `${p.outcome} for ${p.channel}`;
    entries.push({
      at: p.at,
      image: p.image,
      version: p.version,
      channel: p.channel,
      kind: 'outcome',
      outcome: p.outcome,
      text: `${p.version} ${verb}${p.outcome === 'promoted' ? '' : `: ${shortenArns(p.reason)}`}`,
    });
  }
  for (const n of report.notifications.filter((x) => x.event === 'monthly-summary')) {
    entries.push({ at: n.at, image: '', kind: 'note', text: `monthly summary sent — ${n.subject}` });
  }
  const lifecycle = new Set<string>(LIFECYCLE_EVENTS);
  for (const n of report.notifications.filter((x) => lifecycle.has(x.event))) {
    entries.push({
      ...announcedAbout(n),
      kind: 'lifecycle',
      outcome: n.event,
      // The subject names the image, which the line's image column already says.
      text: `${withoutImage(n.subject, n.image)}${n.why ? ` — ${shortenArns(n.why)}` : ''}`,
    });
  }
  entries.push(...ledgerEntries(report.ledger ?? []));
  for (const d of deadLetters) {
    entries.push({ at: d.at, image: '', kind: 'rejected-event', text: deadLetterText(d) });
    if (d.recovered) {
      entries.push({
        at: d.recovered.at,
        image: '',
        kind: 'recovered',
        text: recoveredText({ ...d, recovered: d.recovered }),
      });
    }
  }
  for (const note of notes) {
    // An operator's request is the cause of what it did at its instant: ordered as one (timeline-order.ts).
    const request = note.request && { outcome: OPERATOR_REQUEST, ...note.request };
    entries.push({ at: note.at, image: '', kind: 'note', text: shortenArns(note.text), ...request });
  }

  // Times come in two ISO forms ("…:00Z" and "…:00.000Z"): compare instants, never strings.
  const keyed = entries.map((e) => ({ e, t: Date.parse(e.at), s: step(e, channels) }));
  keyed.sort((a, b) => a.t - b.t || a.s - b.s || a.e.image.localeCompare(b.e.image));
  return keyed.map(({ e, t }) => ({ ...e, at: new Date(t).toISOString() }));
}
