import { type LedgerItem, fieldText as text } from '../status/image-view.js';

/**
 * What Goldsmith cost, as the ledger records it: one definition used by the monthly summary, the simulator's report
 * (and its HTML chart) and `goldsmith status`, so the same month shows the same figure everywhere. Pure.
 *
 * - A build costs its estimate (`cost.total`: instance time and copies) in the month it was requested.
 * - Its outputs cost `cost.storagePerMonth` for exactly the time they existed: from the moment the build finished
 *   AVAILABLE (`cost.finishedAt`) until the lifecycle deleted them (`deletedAt`, or a `DELETED` status), as the
 *   fraction of each calendar month that time covers.
 * - Each channel's pointers (one advanced-tier SSM parameter per distribution Region) cost from the channel's first
 *   promotion on.
 */

/** A ledger item as read from DynamoDB. */
type Item = LedgerItem;

const sk = (item: Item) => text(item, 'sk');

/** What one image's ledger partition holds, with what its pointers cost to keep. */
export interface ImageCostInput {
  items: readonly Item[];
  /** Distribution Regions: one advanced-tier pointer per channel and Region. */
  regions: number;
  channels: readonly string[];
  /** Price of one advanced-tier parameter for a month. */
  parameterMonth: number;
}

/** The parts of a period's cost. */
export interface PeriodCost {
  builds: number;
  storage: number;
  pointers: number;
}

/** A build's recorded estimate and the time its outputs existed. */
export interface KeptBuild {
  requestedAt: number;
  total: number;
  storagePerMonth: number;
  /** When its outputs came to exist (absent: none did, e.g. a failed build). */
  storedFrom?: number | undefined;
  /** When the lifecycle deleted them (absent: they still exist). */
  storedUntil?: number | undefined;
}

/** The build items of a partition that carry a cost estimate (on-image-event writes `cost` when a build finishes). */
export function keptBuilds(items: readonly Item[]): KeptBuild[] {
  const out: KeptBuild[] = [];
  for (const item of items) {
    if (!sk(item).startsWith('BUILD#')) continue;
    const cost = item.cost as { total?: unknown; storagePerMonth?: unknown; finishedAt?: unknown } | undefined;
    if (typeof cost?.total !== 'number' || typeof cost.storagePerMonth !== 'number') continue;
    const finished = typeof cost.finishedAt === 'string' ? cost.finishedAt : text(item, 'updatedAt');
    const deleted = text(item, 'deletedAt') || (text(item, 'status') === 'DELETED' ? text(item, 'updatedAt') : '');
    const from = Date.parse(finished);
    const until = Date.parse(deleted);
    out.push({
      requestedAt: Date.parse(text(item, 'requestedAt') || finished),
      total: cost.total,
      storagePerMonth: cost.storagePerMonth,
      storedFrom: cost.storagePerMonth > 0 && !Number.isNaN(from) ? from : undefined,
      storedUntil: Number.isNaN(until) ? undefined : until,
    });
  }
  return out;
}

/** The part of [from, until) inside [start, min(end, asOf)), as a fraction of [start, end). */
function covered(from: number, until: number, start: number, end: number, asOf: number): number {
  return Math.max(0, Math.min(until, end, asOf) - Math.max(from, start)) / (end - start);
}

/**
 * One image's cost in the calendar month [start, end), counted up to `asOf` (a month still running, or a run that
 * ends inside it, counts only the time up to then; a finished month is the same whenever it is asked).
 */
export function imageCostIn(
  input: ImageCostInput,
  bounds: { start: number; end: number },
  asOf = Number.POSITIVE_INFINITY,
): PeriodCost {
  const { start, end } = bounds;
  let builds = 0;
  let storage = 0;
  for (const b of keptBuilds(input.items)) {
    if (b.requestedAt >= start && b.requestedAt < end && b.requestedAt < asOf) builds += b.total;
    if (b.storedFrom !== undefined) {
      storage += b.storagePerMonth * covered(b.storedFrom, b.storedUntil ?? Number.POSITIVE_INFINITY, start, end, asOf);
    }
  }
  let pointers = 0;
  for (const channel of input.channels) {
    const first = input.items
      .filter((o) => sk(o).startsWith('PROMOTION#') && text(o, 'channel') === channel && o.outcome === 'promoted')
      .map((o) => Date.parse(text(o, 'at')))
      .sort((a, b) => a - b)[0];
    if (first !== undefined) {
      pointers += input.regions * input.parameterMonth * covered(first, Number.POSITIVE_INFINITY, start, end, asOf);
    }
  }
  return { builds, storage, pointers };
}

/** What an image's kept outputs cost per month at `at`: the storage of every build not deleted by then. */
export function storagePerMonthAt(items: readonly Item[], at: number): number {
  return keptBuilds(items)
    .filter((b) => b.storedFrom !== undefined && b.storedFrom <= at && (b.storedUntil ?? Number.POSITIVE_INFINITY) > at)
    .reduce((n, b) => n + b.storagePerMonth, 0);
}

/** The UTC calendar months `YYYY-MM` that [from, to) touches, in order. */
export function monthsBetween(from: number, to: number): string[] {
  const out: string[] = [];
  const d = new Date(from);
  let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  while (t < to) {
    out.push(new Date(t).toISOString().slice(0, 7));
    const m = new Date(t);
    t = Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1);
  }
  return out;
}
