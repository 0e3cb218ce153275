import * as z from 'zod';
import { listCompliance } from '../aws/fleet/compliance-ledger.js';
import { readImagePartition } from '../aws/ledger/image-partition.js';
import { keepSummary, storedSummary } from '../aws/notifications/monthly-summary.js';
import { announce } from '../aws/notifications/notifications.js';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { priceTable } from '../core/cost/prices.js';
import { announcement } from '../core/notifications/announce.js';
import {
  builtAnythingBy,
  type ImageLedger,
  monthBefore,
  monthBounds,
  summarizeMonth,
} from '../core/notifications/monthly-summary.js';
import { isoTime } from '../events/envelope.js';
import { bundledCatalog } from './lib/catalog.js';
import { handlerFor } from './lib/middleware.js';

/**
 * The schedule's input (stacks/notifications/summary.ts): Scheduler fills in the scheduled time, so a repeated or
 * late delivery summarizes the same month. `month` (`YYYY-MM`) asks for a given month instead.
 */
export const monthlySummaryInputSchema = z.strictObject({
  summary: z.literal('monthly'),
  scheduledTime: isoTime,
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month like "2027-01"')
    .optional(),
});
export type MonthlySummaryInput = z.input<typeof monthlySummaryInputSchema>;

/** What one run did, for logs and tests. */
export interface MonthlySummaryResult {
  month: string;
  /** false when the month's summary was kept by an earlier run (this run re-announced that same document). */
  computed: boolean;
  published: boolean;
  /** Why nothing was sent: the factory had not built anything by the month's end (it was deployed later). */
  skipped?: string;
}

/**
 * The monthly summary: on the schedule's day it reads every catalog image's ledger partition (paginated queries),
 * sums up the last complete UTC month — built, failed, promoted, rejected, patch day → prod, what still waits on
 * whom, the month's cost, the patch compliance of its cycles — keeps it in the ledger once (conditional write: the first run's document is the
 * month's), and announces it. Announcing is itself once per month (the announcement's id is keyed by the month).
 */
export async function sendMonthlySummary(raw: MonthlySummaryInput): Promise<MonthlySummaryResult> {
  const input = monthlySummaryInputSchema.parse(raw);
  const month = input.month ?? monthBefore(new Date(input.scheduledTime));
  // A month is summarized once and kept: only once it is over, or an early run (a forged input, a schedule fired
  // ahead of its time) would keep a partial month as the month's document.
  if (Date.now() < monthBounds(month).end) {
    return { month, computed: false, published: false, skipped: `${month} is not over yet: nothing kept or sent` };
  }
  let stored = await storedSummary(month);
  const computed = stored === undefined;
  if (!stored) {
    const catalog = bundledCatalog();
    const images: Record<string, ImageLedger> = {};
    for (const [image, spec] of Object.entries(catalog.images)) {
      images[image] = { items: await readImagePartition(image), regions: spec.regions.length };
    }
    if (!builtAnythingBy(month, images)) {
      return { month, computed: false, published: false, skipped: `no build was requested before ${month} ended` };
    }
    // The month's cycle, the one before and the out-of-cycle ones (few): not every cycle the ledger ever recorded.
    const compliance = [
      ...(await listCompliance(`${monthBefore(new Date(`${month}-15T00:00:00Z`))}#`)),
      ...(await listCompliance(`${month}#`)),
      ...(await listCompliance('finding-')),
    ];
    const detail = summarizeMonth({
      month,
      channels: catalog.channels.map((c) => c.name),
      images,
      prices: priceTable(catalog.prices),
      compliance,
    });
    stored = await keepSummary({ month, detail, at: input.scheduledTime });
  }
  const published = await announce(announcement('monthly-summary', {}, stored.detail, { at: stored.at, key: month }));
  return { month, computed, published };
}

export const handler = handlerFor({
  name: 'monthly-summary',
  recordFailure: recordFailedInvocation,
  parse: monthlySummaryInputSchema,
  handle: (input: MonthlySummaryInput) => sendMonthlySummary(input),
});
