import { hoursSince } from './compliance-record.js';

/**
 * Patch compliance per cycle, image and channel, from the ledger's per-OU records: how long the pointer took, the
 * median and the worst OU's time to 90 % of its instances, and the OUs not there yet (laggards). Pure: the monthly
 * summary, `goldsmith fleet` and the simulator's report say the same thing.
 */

/** A compliance record as read back from the ledger (fields may be missing on a partial item). */
export interface RecordLike {
  cycle?: unknown;
  image?: unknown;
  channel?: unknown;
  ou?: unknown;
  startedAt?: unknown;
  pointerAt?: unknown;
  version?: unknown;
  reached50At?: unknown;
  reached90At?: unknown;
  reached100At?: unknown;
  patched?: unknown;
  instances?: unknown;
}

export interface OuCompliance {
  ou: string;
  hoursTo50: number | null;
  hoursTo90: number | null;
  hoursTo100: number | null;
  patched: number;
  instances: number;
}

export interface ChannelCompliance {
  cycle: string;
  image: string;
  channel: string;
  version: string;
  startedAt: string;
  /** Hours from the cycle's start to the channel's pointer naming its version. */
  pointerHours: number;
  /** The middle OU's hours to 90 % (null while half the OUs or more are not there). */
  medianHoursTo90: number | null;
  /** The slowest OU's hours to 90 % (null while any OU is not there). */
  worstHoursTo90: number | null;
  /** OUs not yet at 90 %, slowest share first. */
  laggards: string[];
  ous: OuCompliance[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0);

/** The middle value of a list where null is "not yet" (larger than any number); null when that middle is not yet. */
export function medianNotYetLast(values: readonly (number | null)[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => (a === null ? 1 : b === null ? -1 : a - b));
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
}

/** Per cycle, image and channel, in cycle order. */
export function channelCompliance(records: readonly RecordLike[]): ChannelCompliance[] {
  const groups = new Map<string, RecordLike[]>();
  for (const r of records) {
    const key = `${str(r.cycle)}#${str(r.image)}#${str(r.channel)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: ChannelCompliance[] = [];
  for (const list of groups.values()) {
    const first = list[0] as RecordLike;
    const startedAt = str(first.startedAt);
    const hours = (at: unknown) => (str(at) ? hoursSince(startedAt, str(at)) : null);
    const ous = list
      .map((r) => ({
        ou: str(r.ou),
        hoursTo50: hours(r.reached50At),
        hoursTo90: hours(r.reached90At),
        hoursTo100: hours(r.reached100At),
        patched: num(r.patched),
        instances: num(r.instances),
      }))
      .sort((a, b) => a.ou.localeCompare(b.ou));
    const to90 = ous.map((o) => o.hoursTo90);
    out.push({
      cycle: str(first.cycle),
      image: str(first.image),
      channel: str(first.channel),
      version: str(first.version),
      startedAt,
      pointerHours: hoursSince(startedAt, str(first.pointerAt)),
      medianHoursTo90: medianNotYetLast(to90),
      worstHoursTo90: to90.some((h) => h === null) ? null : Math.max(...(to90 as number[])),
      laggards: ous
        .filter((o) => o.hoursTo90 === null)
        .sort((a, b) => a.patched / (a.instances || 1) - b.patched / (b.instances || 1) || a.ou.localeCompare(b.ou))
        .map((o) => o.ou),
      ous,
    });
  }
  return out.sort(
    (a, b) =>
      a.startedAt.localeCompare(b.startedAt) || a.image.localeCompare(b.image) || a.channel.localeCompare(b.channel),
  );
}

/** "36 h", "4.5 d", or "not yet". */
export function formatHours(h: number | null): string {
  if (h === null) return 'not yet';
  return h < 72 ? `${h} h` : `${Math.round(h / 2.4) / 10} d`;
}
