import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { readOutcomes } from '../aws/ledger/image-partition.js';
import { readImageViews } from '../aws/ledger/image-view-index.js';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { imageViewIndex } from '../core/ledger/keys.js';
import { metricNames } from '../core/observability/metrics.js';
import { outcomesGaugesNeed } from '../core/status/gauge-reads.js';
import { type ImageView, imageView, type LedgerItem } from '../core/status/image-view.js';
import { handlerFor } from './lib/middleware.js';
import { logger, metrics, metricsWithDimensions } from './lib/powertools.js';
import { promotionPlans } from './promotion/plans.js';

/** The schedule's fixed input (stacks/monitoring/health.ts). */
export const healthInputSchema = z.strictObject({ health: z.literal('gauges') });

/**
 * The attributes the gauges read: of the builds, approvals and channel pointers, those the image-view index projects
 * (not the pointers' AMIs, which no gauge shows); of the promotion outcomes, read by key, the same few.
 */
export const HEALTH_ATTRIBUTES = ['sk', ...imageViewIndex.projected] as const;

/** What one run measured, for logs and tests. */
export interface HealthGauges {
  approvalsWaiting: number;
  /** The longest open approval wait as a percentage of its timeout (0 with none waiting). */
  approvalWaitPercent: number;
  oldestChannelAgeDays: number;
  channels: { image: string; channel: string; lagBuilds: number; ageDays: number | undefined }[];
}

/** Reduces every image's view to the gauges the dashboard and the alarms read. Pure. */
export function gaugesOf(views: readonly ImageView[]): HealthGauges {
  const channels = views.flatMap((v) =>
    v.channels.map((c) => ({ image: v.image, channel: c.channel, lagBuilds: c.lagBuilds, ageDays: c.ageDays })),
  );
  const waits = views.flatMap((v) => v.channels.flatMap((c) => (c.waiting ? [c.waiting.fractionOfTimeout] : [])));
  return {
    approvalsWaiting: waits.length,
    approvalWaitPercent: Math.round(Math.max(0, ...waits) * 1000) / 10,
    oldestChannelAgeDays: Math.max(0, ...channels.map((c) => c.ageDays ?? 0)),
    channels,
  };
}

/**
 * Health gauges, every three hours: reads every catalog image's builds, approvals and pointers and emits approvals waiting, the
 * oldest wait as a share of its timeout, and each channel's lag and age. CloudWatch alarms cannot compute "how long
 * has this waited" from event counts, so a gauge is the only way to alarm on an approval or a channel left alone.
 */
export const handler = handlerFor({
  name: 'health',
  recordFailure: recordFailedInvocation,
  parse: healthInputSchema,
  handle: async (): Promise<HealthGauges> => {
    const now = new Date();
    // Every image's builds, approvals and pointers in one paginated Query of the image-view index (eventually
    // consistent: a gauge may miss a write made a moment before). Of the promotion outcomes (one per channel
    // decision, the fastest-growing kind) only those a gauge can depend on are read, by key (`outcomesGaugesNeed`):
    // a run's reads grow with the builds and approvals kept, not with every decision ever made.
    const indexed = await readImageViews();
    const read: { image: string; channels: string[]; items: LedgerItem[] }[] = Object.entries(promotionPlans()).map(
      ([image, plan]) => ({ image, channels: plan.channels.map((c) => c.name), items: indexed.get(image) ?? [] }),
    );
    // The outcomes every image's gauges need, in one batched read across images rather than one per image.
    const outcomes = await readOutcomes(
      read.map((r) => ({ image: r.image, refs: outcomesGaugesNeed(r.channels, r.items, now) })),
      { attributes: HEALTH_ATTRIBUTES },
    );
    const views: ImageView[] = read.map((r) =>
      imageView(r.image, r.channels, [...r.items, ...(outcomes.get(r.image) ?? [])], now),
    );
    const gauges = gaugesOf(views);
    metrics.addMetric(metricNames.approvalsWaiting, MetricUnit.Count, gauges.approvalsWaiting);
    metrics.addMetric(metricNames.approvalWaitPercent, MetricUnit.Percent, gauges.approvalWaitPercent);
    metrics.addMetric(metricNames.oldestChannelAge, MetricUnit.Count, gauges.oldestChannelAgeDays);
    for (const c of gauges.channels) {
      const channel = metricsWithDimensions({ image: c.image, channel: c.channel });
      channel.addMetric(metricNames.channelLag, MetricUnit.Count, c.lagBuilds);
      channel.addMetric(metricNames.channelAge, MetricUnit.Count, c.ageDays ?? 0);
      channel.publishStoredMetrics();
    }
    logger.info('health gauges', { ...gauges });
    return gauges;
  },
});
