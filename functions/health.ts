import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { prefixRange, readImageRanges, readOutcomes } from '../aws/image-partition.js';
import { skPrefix } from '../core/ledger/keys.js';
import { metricNames } from '../core/observability/metrics.js';
import { outcomesGaugesNeed } from '../core/status/gauge-reads.js';
import { type ImageView, imageView, type LedgerItem } from '../core/status/image-view.js';
import { handlerFor } from './lib/middleware.js';
import { logger, metrics, metricsWithDimensions } from './lib/powertools.js';
import { promotionPlans } from './promotion/plans.js';

/** The schedule's fixed input (stacks/monitoring/health.ts). */
export const healthInputSchema = z.strictObject({ health: z.literal('gauges') });

/**
 * The items `imageView` reads — approvals, builds and channel pointers, adjacent in sort order — without the
 * decisions, pointer history and sharing records that make up most of a partition. Of the promotion outcomes (one
 * per channel decision, the fastest-growing kind) only those a gauge can depend on are read, by key
 * (`outcomesGaugesNeed`): a run's reads grow with what is open, not with the image's history.
 */
const VIEW_RANGES = [prefixRange(skPrefix.approval, skPrefix.channel)] as const;

/** The attributes `imageView` reads of those items, but the pointers' AMIs, which no gauge shows. */
export const HEALTH_ATTRIBUTES = [
  'sk',
  'version',
  'channel',
  'at',
  'outcome',
  'reason',
  'decision',
  'approvers',
  'requestedAt',
  'expiresAt',
  'buildVersion',
  'status',
  'statusesSeen',
  'statusReason',
  'updatedAt',
] as const;

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
 * Health gauges, every three hours: reads each catalog image's ledger partition and emits approvals waiting, the
 * oldest wait as a share of its timeout, and each channel's lag and age. CloudWatch alarms cannot compute "how long
 * has this waited" from event counts, so a gauge is the only way to alarm on an approval or a channel left alone.
 */
export const handler = handlerFor({
  name: 'health',
  parse: healthInputSchema,
  handle: async (): Promise<HealthGauges> => {
    const now = new Date();
    const read: { image: string; channels: string[]; items: LedgerItem[] }[] = [];
    for (const [image, plan] of Object.entries(promotionPlans())) {
      const channels = plan.channels.map((c) => c.name);
      read.push({
        image,
        channels,
        items: await readImageRanges(image, VIEW_RANGES, { attributes: HEALTH_ATTRIBUTES }),
      });
    }
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
