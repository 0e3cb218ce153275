import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { readImagePartitionByPrefix } from '../aws/ledger/image-partition.js';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { skPrefix } from '../core/ledger/keys.js';
import { buildsAfterPass, type ChildBuild } from '../core/lifecycle/descendant-holds.js';
import { lineageDepths } from '../core/lifecycle/order.js';
import { childrenOf } from '../core/lifecycle/revocation.js';
import { metricNames } from '../core/observability/metrics.js';
import type { PromotionPlan } from '../core/promotion/types.js';
import { handlerFor } from './lib/middleware.js';
import { logger, metrics } from './lib/powertools.js';
import { OUT_OF_CYCLE_PREFIX } from './lifecycle/compliance.js';
import { applyRetention, type RetentionResult } from './lifecycle/retention.js';
import { readPendingReports } from './lifecycle/usage.js';
import { promotionPlans } from './promotion/plans.js';
import { organizationForOnePass } from './sharing/channel-targets.js';

/**
 * The parts of an image's partition an image's pass decides from: builds, channel decisions, revocations and pointers
 * (lifecycle/ledger-view.ts), usage and retention holds (lifecycle/retention.ts), out-of-cycle rebuilds
 * (lifecycle/compliance.ts). The rest (pointer history, shares, decisions, approvals, gates, soaks) is never read.
 * Grouped as they lie next to each other in the partition's sort-key order: a Query per group (between `HOLD#` and
 * `OUTOFCYCLE#` only the image's few `INVENTORY#` items are read besides).
 */
export const SWEEP_READS = [
  [skPrefix.build, skPrefix.channel],
  [skPrefix.hold, OUT_OF_CYCLE_PREFIX],
  [skPrefix.promotion, skPrefix.revocation],
  [skPrefix.usage],
] as const;

/** The schedule's fixed input (stacks/promotion/lifecycle.ts). */
export const sweepInputSchema = z.strictObject({ lifecycle: z.literal('sweep') });

/**
 * The daily lifecycle sweep over every catalog image, children before parents (so a child deleted in this pass
 * releases its parent's lineage hold in the same pass): retire what left every pointer and retention window,
 * delete what waited `retention.deleteAfter` (or the unpromoted grace). One image's failure does not stop the
 * others; the run then fails so Scheduler retries it.
 */
export async function sweepLifecycle(
  plans: Record<string, PromotionPlan>,
  now: Date,
): Promise<{ results: RetentionResult[]; failed: { image: string; error: string }[] }> {
  const depth = lineageDepths(Object.fromEntries(Object.values(plans).map((p) => [p.image, p.parent?.image])));
  const order = Object.keys(plans).sort((a, b) => (depth[b] ?? 0) - (depth[a] ?? 0) || a.localeCompare(b));
  const results: RetentionResult[] = [];
  const failed: { image: string; error: string }[] = [];
  // Every image's pending usage reports read at once per Region, before the per-image passes.
  const reports = await readPendingReports().catch((error: unknown) => {
    // Nothing read today: every pending report stays pending (and nothing new is asked) until the next pass.
    logger.error('pending usage reports not read; read on the next pass', { error });
    return new Map();
  });
  // Each image's builds as its pass left them: its parent's pass (later in this sweep) takes its lineage holds from
  // them instead of reading them again. An image whose pass failed is not in it; its parent reads its builds. A build
  // deleted by anything but this sweep after its image's read still holds its parent version, until the next sweep.
  const swept = new Map<string, ChildBuild[]>();
  // The organization the compliance passes measure against: read at the first image that needs it, for all of them.
  const organization = organizationForOnePass();
  for (const image of order) {
    const plan = plans[image];
    if (!plan) continue;
    try {
      const children = childrenOf(image, plans).map((c) => c.image);
      // The parts of the image's partition its pass reads, not the whole partition.
      const partition = await readImagePartitionByPrefix(image, SWEEP_READS);
      const result = await applyRetention({ plan, children, now, partition, reports, swept, organization });
      results.push(result);
      swept.set(image, buildsAfterPass(partition.of<ChildBuild>(skPrefix.build), result.deleted, now.toISOString()));
    } catch (err) {
      logger.error('lifecycle sweep failed for an image', { image, error: err });
      failed.push({ image, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { results, failed };
}

export const handler = handlerFor({
  name: 'lifecycle-sweep',
  recordFailure: recordFailedInvocation,
  parse: (raw) => sweepInputSchema.parse(raw),
  handle: async () => {
    const outcome = await sweepLifecycle(promotionPlans(), new Date());
    const onRevoked = outcome.results.reduce((n, r) => n + (r.compliance?.onRevoked ?? 0), 0);
    metrics.addMetric(metricNames.instancesOnRevoked, MetricUnit.Count, onRevoked);
    if (outcome.failed.length > 0) {
      throw new Error(`lifecycle sweep failed for ${outcome.failed.map((f) => `${f.image} (${f.error})`).join(', ')}`);
    }
    return outcome;
  },
});
