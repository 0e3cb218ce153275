import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { getBuildRecord } from '../../aws/ledger/image-partition.js';
import { metricNames } from '../../core/observability/metrics.js';
import { secondsSincePatchDay } from '../../core/observability/timing.js';
import type { PromotionOutcome } from '../../core/promotion/types.js';
import { metrics } from '../lib/powertools.js';

/**
 * EMF metrics of one recorded channel decision: outcomes by image, channel and outcome; for a promotion, the time
 * from the build's AVAILABLE to the channel and from the month's Patch Tuesday to the channel (prod: the last). Single
 * metrics (flushed at once) because their dimensions differ per call and the shared instance must not mix them.
 */
export async function emitOutcomeMetrics(decision: {
  image: string;
  version: string;
  channel: string;
  outcome: PromotionOutcome;
  at: string;
}): Promise<void> {
  const outcome = metrics.singleMetric();
  outcome.addDimensions({ image: decision.image, channel: decision.channel, outcome: decision.outcome });
  outcome.addMetric(metricNames.outcomes, MetricUnit.Count, 1);
  if (decision.outcome !== 'promoted') return;
  const at = new Date(decision.at);
  const build = await getBuildRecord(decision.image, decision.version);
  const availableAt = typeof build?.updatedAt === 'string' ? Date.parse(build.updatedAt) : Number.NaN;
  const timing = metrics.singleMetric();
  timing.addDimensions({ channel: decision.channel });
  if (!Number.isNaN(availableAt)) {
    timing.addMetric(
      metricNames.availableToChannel,
      MetricUnit.Seconds,
      Math.max(0, (at.getTime() - availableAt) / 1000),
    );
  }
  timing.addMetric(metricNames.patchDayToChannel, MetricUnit.Seconds, secondsSincePatchDay(at));
}
