import { MalformedEventError } from '../core/errors.js';
import { BUS_EVENTS, type BusEventKind, type EventKind, type EventOf, schemaFor } from './catalog.js';
import { formatIssues } from './issues.js';
import { AMAZON_LINUX_TOPICS } from './sources.js';

/** A parsed event tagged with its kind: narrowing on `kind` narrows `event`. */
export type ParsedEvent = { [K in EventKind]: { kind: K; event: EventOf<K> } }[EventKind];

export type Classification =
  | { known: false }
  | ({ known: true; valid: true } & ParsedEvent)
  | { known: true; kind: EventKind; valid: false; reason: string };

const busKinds = new Map<string, BusEventKind>(
  (Object.entries(BUS_EVENTS) as [BusEventKind, (typeof BUS_EVENTS)[BusEventKind]][]).map(([kind, entry]) => [
    `${entry.source}\u0000${entry.detailType}`,
    kind,
  ]),
);
const amazonLinuxTopics = new Set<string>(Object.values(AMAZON_LINUX_TOPICS));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function snsTopicOf(record: unknown): unknown {
  return isRecord(record) && isRecord(record.Sns) ? record.Sns.TopicArn : undefined;
}

/**
 * Which kind of input this is, from its discriminators only (never its content): an EventBridge event by source
 * and detail-type; an SNS delivery by the topic of its first record; our Scheduler input by its two keys.
 */
export function kindOf(raw: unknown): EventKind | undefined {
  if (!isRecord(raw)) return undefined;
  if ('source' in raw || 'detail-type' in raw) {
    return typeof raw.source === 'string' && typeof raw['detail-type'] === 'string'
      ? busKinds.get(`${raw.source}\u0000${raw['detail-type']}`)
      : undefined;
  }
  if (Array.isArray(raw.Records)) {
    const topic = snsTopicOf(raw.Records[0]);
    return typeof topic === 'string' && amazonLinuxTopics.has(topic) ? 'amazon-linux-ami-update' : undefined;
  }
  return 'image' in raw && 'window' in raw ? 'scheduled-build' : undefined;
}

function parseAs(kind: EventKind, raw: unknown): { ok: true; event: ParsedEvent } | { ok: false; reason: string } {
  const result = schemaFor(kind).safeParse(raw);
  if (!result.success) return { ok: false, reason: formatIssues(result.error) };
  // The schema for `kind` produced `result.data`, so the pair is a ParsedEvent by construction.
  return { ok: true, event: { kind, event: result.data } as ParsedEvent };
}

/**
 * The one parsing path for every handler and the CLI: is this a kind Goldsmith knows, and does it parse?
 * Never throws: anything unparseable is `valid: false` with a `reason` naming the field paths at fault.
 */
export function classifyEvent(raw: unknown): Classification {
  let kind: EventKind | undefined;
  try {
    kind = kindOf(raw);
    if (kind === undefined) return { known: false };
    const parsed = parseAs(kind, raw);
    return parsed.ok
      ? { known: true, valid: true, ...parsed.event }
      : { known: true, kind, valid: false, reason: parsed.reason };
  } catch (error) {
    // Hostile input (throwing getters, proxies) must not crash a handler: report it like any malformed event.
    const reason = `unreadable event: ${error instanceof Error ? error.message : String(error)}`;
    return kind === undefined ? { known: false } : { known: true, kind, valid: false, reason };
  }
}

/**
 * Parses `raw` as a `kind` event for a handler that already knows what it receives.
 * @throws MalformedEventError naming the offending field paths, so the event goes to the dead-letter queue.
 */
export function parseEvent<K extends EventKind>(kind: K, raw: unknown): EventOf<K> {
  const result = schemaFor(kind).safeParse(raw);
  if (!result.success) throw new MalformedEventError(`${kind}: ${formatIssues(result.error)}`);
  return result.data as EventOf<K>;
}
