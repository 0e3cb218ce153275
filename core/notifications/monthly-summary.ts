import type { NotificationOf } from '../../events/notification.js';
import { imageCostIn } from '../cost/ledger-cost.js';
import type { RecordLike } from '../fleet/compliance-summary.js';
import { formatHours } from '../fleet/compliance-summary.js';
import { lastPatchTuesday } from '../observability/timing.js';
import { type LedgerItem, fieldText as str } from '../status/image-view.js';
import { patchChangesOf } from './month-changes.js';
import { complianceAtEnd } from './month-compliance.js';
import { buildingAtEnd, soakingAtEnd, waitingAtEnd } from './month-end.js';

/** The monthly summary's `detail`, as the contract has it. */
export type MonthlySummary = NotificationOf<'monthly-summary'>['detail'];

/** One catalog image's ledger partition, with what its pointers cost to keep. */
export interface ImageLedger {
  items: readonly LedgerItem[];
  /** Distribution regions: one advanced-tier pointer per channel and region. */
  regions: number;
}

export interface SummaryInput {
  /** `YYYY-MM`, a UTC calendar month. */
  month: string;
  /** The catalog's channels in promotion order; the last one is "prod". */
  channels: readonly string[];
  images: Readonly<Record<string, ImageLedger>>;
  prices: { currency: string; ssmAdvancedParameterMonth: number };
  /** The ledger's patch-compliance records (`COMPLIANCE`) of cycles that may have started in the month. */
  compliance?: readonly RecordLike[];
}

const sk = (item: LedgerItem) => str(item, 'sk');
const cents = (n: number) => Math.round(n * 100) / 100;

/** The UTC calendar month `YYYY-MM` as [start, end) in epoch milliseconds. */
export function monthBounds(month: string): { start: number; end: number } {
  const [year, m] = month.split('-').map(Number);
  if (!year || !m || m < 1 || m > 12) throw new Error(`not a month: "${month}" (want YYYY-MM)`);
  return { start: Date.UTC(year, m - 1, 1), end: Date.UTC(year, m, 1) };
}

/** The last complete UTC calendar month before `at`: what a summary sent at `at` is about. */
export function monthBefore(at: Date): string {
  const previous = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - 1, 1));
  return previous.toISOString().slice(0, 7);
}

/**
 * One image's month from its ledger partition: builds requested in the month that reached AVAILABLE (built) or
 * FAILED / CANCELLED (failed); channel promotions promoted, rejected, expired and aborted in it; versions revoked in it; hours from the month's Patch Tuesday
 * to the first promotion into the last channel of a build requested since (within the month); and the month's cost
 * as core/cost/ledger-cost.ts defines it (builds, storage for the time each output existed, pointers).
 */
function imageMonth(image: string, ledger: ImageLedger, input: SummaryInput, bounds: { start: number; end: number }) {
  const { items } = ledger;
  const inMonth = (iso: string) => {
    const t = Date.parse(iso);
    return t >= bounds.start && t < bounds.end;
  };
  const builds = items.filter((i) => sk(i).startsWith('BUILD#'));
  const requested = builds.filter((b) => inMonth(str(b, 'requestedAt') || str(b, 'updatedAt')));
  const reached = (b: LedgerItem, statuses: string[]) =>
    b.statusesSeen instanceof Set
      ? statuses.some((s) => (b.statusesSeen as Set<string>).has(s))
      : statuses.includes(str(b, 'status'));
  const outcomes = items.filter((i) => sk(i).startsWith('PROMOTION#'));
  const decided = outcomes.filter((o) => inMonth(str(o, 'at')));

  const prod = input.channels[input.channels.length - 1];
  // Stryker disable next-line ArithmeticOperator: Patch Tuesday is never the 1st, so the month's last instant and the next month's first find the same one
  const patchDay = lastPatchTuesday(new Date(bounds.end - 1)).getTime();
  const requestedAt = new Map(builds.map((b) => [str(b, 'buildVersion'), Date.parse(str(b, 'requestedAt'))]));
  const toProd = decided
    .filter((o) => str(o, 'channel') === prod && o.outcome === 'promoted')
    .filter((o) => Date.parse(str(o, 'at')) >= patchDay && (requestedAt.get(str(o, 'version')) ?? 0) >= patchDay)
    .map((o) => Date.parse(str(o, 'at')))
    .sort((a, b) => a - b)[0];

  const patch = patchChangesOf(items, prod, bounds);
  const cost = imageCostIn(
    {
      items,
      regions: ledger.regions,
      channels: input.channels,
      parameterMonth: input.prices.ssmAdvancedParameterMonth,
    },
    bounds,
  );
  return {
    row: {
      image,
      built: requested.filter((b) => reached(b, ['AVAILABLE'])).length,
      failed: requested.filter((b) => reached(b, ['FAILED', 'CANCELLED'])).length,
      promoted: decided.filter((o) => o.outcome === 'promoted').length,
      rejected: decided.filter((o) => o.outcome === 'rejected').length,
      expired: decided.filter((o) => o.outcome === 'expired').length,
      aborted: decided.filter((o) => o.outcome === 'aborted').length,
      revoked: items.filter(
        (i) => sk(i).startsWith('REVOCATION#') && i.state === 'revoked' && inMonth(str(i, 'revokedAt') || str(i, 'at')),
      ).length,
      patchToProdHours: toProd === undefined ? null : Math.round(((toProd - patchDay) / 3_600_000) * 10) / 10,
      cost: cents(cost.builds + cost.storage + cost.pointers),
      ...(patch ? { patch } : {}),
    },
    cost,
  };
}

/**
 * Whether the factory had requested any build before the end of `month`: a summary of a month before Goldsmith was
 * deployed says nothing, so none is sent (a quiet month after that is still summarized: "nothing happened" is news).
 */
export function builtAnythingBy(month: string, images: Readonly<Record<string, ImageLedger>>): boolean {
  const { end } = monthBounds(month);
  return Object.values(images).some((ledger) =>
    ledger.items.some(
      (i) => sk(i).startsWith('BUILD#') && Date.parse(str(i, 'requestedAt') || str(i, 'updatedAt')) < end,
    ),
  );
}

/**
 * The monthly summary of `input.month` from every catalog image's ledger partition: per image built, failed,
 * promoted, rejected, patch day → prod, and cost; what still waits on whom at the month's end, what still soaks and
 * what is still building; the month's cost.
 * Pure, and a function of the month alone: sent twice, or a day late, it says the same.
 */
export function summarizeMonth(input: SummaryInput): MonthlySummary {
  const bounds = monthBounds(input.month);
  const images: MonthlySummary['images'] = [];
  const waiting: MonthlySummary['waiting'] = [];
  const soaking: NonNullable<MonthlySummary['soaking']> = [];
  const building: NonNullable<MonthlySummary['building']> = [];
  const total = { builds: 0, storage: 0, pointers: 0 };
  for (const [image, ledger] of Object.entries(input.images)) {
    const month = imageMonth(image, ledger, input, bounds);
    images.push(month.row);
    total.builds += month.cost.builds;
    total.storage += month.cost.storage;
    total.pointers += month.cost.pointers;
    waiting.push(...waitingAtEnd(image, ledger.items, bounds.end));
    soaking.push(...soakingAtEnd(image, ledger.items, bounds.end));
    building.push(...buildingAtEnd(image, ledger.items, bounds.end));
  }
  const compliance = complianceAtEnd(input.compliance ?? [], bounds);
  return {
    month: input.month,
    images,
    waiting,
    soaking,
    building,
    ...(compliance.length > 0 && { compliance }),
    cost: {
      currency: input.prices.currency,
      builds: cents(total.builds),
      storage: cents(total.storage),
      pointers: cents(total.pointers),
      total: cents(total.builds + total.storage + total.pointers),
    },
  };
}

/**
 * The monthly summary's patch time, as every rendering says it (email, Slack, `simulate`): hours from the month's
 * Patch Tuesday to the first prod promotion of a build requested since (a channel's first rollout included). It is
 * not the fleet's compliance figure, "pointer moved after", which measures the cycle's own version and skips a
 * channel's first rollout (core/fleet/compliance.ts).
 */
export const PATCH_TO_PROD_LABEL = 'patch day → first prod promotion';

/** The summary's patch time as printed: `36 h`, `6.2 d` (as the fleet's figures are), or `n/a`. */
/**
 * A summary row's stopped promotions and revocations as the email and Slack say them: rejected always, expired,
 * aborted and revoked when there were any (`0 rejected, 1 aborted, 1 revoked`).
 */
export function stoppedText(row: MonthlySummary['images'][number]): string {
  const more = (['expired', 'aborted', 'revoked'] as const)
    .filter((k) => (row[k] ?? 0) > 0)
    .map((k) => `, ${row[k]} ${k}`)
    .join('');
  return `${row.rejected} rejected${more}`;
}

export function patchToProdText(hours: number | null): string {
  return hours === null ? 'n/a' : formatHours(hours);
}
