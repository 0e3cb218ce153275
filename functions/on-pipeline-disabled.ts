import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { announce } from '../aws/notifications/notifications.js';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { markPipelineEventNotified, recordPipelineEvent } from '../aws/triggers/ledger.js';
import { announcement } from '../core/notifications/announce.js';
import { metricNames } from '../core/observability/metrics.js';
import { parseEvent } from '../events/registry.js';
import { handlerFor } from './lib/middleware.js';
import { logger, metrics } from './lib/powertools.js';

/** The catalog image of one of our pipeline ARNs (env `PIPELINE_ARN_PREFIX` + image), or undefined. */
export function imageOfPipeline(pipelineArn: string): string | undefined {
  const prefix = process.env.PIPELINE_ARN_PREFIX;
  if (!prefix) throw new Error('PIPELINE_ARN_PREFIX is not set');
  return pipelineArn.startsWith(prefix) ? pipelineArn.slice(prefix.length) : undefined;
}

/**
 * "EC2 Image Builder Image Pipeline Automatically Disabled": record it in the image's ledger partition and tell
 * people. The record is keyed by the event id and carries `notified`: a re-delivery after the notification sends
 * nothing, and a retry after a failed publish still sends it.
 */
export const handler = handlerFor({
  name: 'on-pipeline-disabled',
  recordFailure: recordFailedInvocation,
  parse: (raw) => parseEvent('image-pipeline-auto-disabled', raw),
  handle: async (event) => {
    const [pipelineArn] = event.resources;
    const image = imageOfPipeline(pipelineArn);
    if (image === undefined) {
      logger.warn('pipeline is not one of ours', { pipelineArn });
      return { notified: false };
    }
    const failures = event.detail['consecutive-failures'];
    const { key, notified } = await recordPipelineEvent(image, {
      name: 'pipeline-disabled',
      at: event.time,
      eventId: event.id,
      details: { pipelineArn, consecutiveFailures: failures },
    });
    if (notified) return { notified: false };
    metrics.addMetric(metricNames.pipelineDisabled, MetricUnit.Count, 1);
    const delivered = await announce(
      announcement(
        'pipeline-disabled',
        { image },
        { pipelineArn, consecutiveFailures: failures },
        { at: event.time, key: event.id },
      ),
    );
    // Undelivered, it is queued and re-published by the reconciler: marking it notified keeps it from being sent twice.
    if (!delivered) logger.warn('pipeline-disabled announcement queued for redelivery', { image });
    await markPipelineEventNotified(key);
    return { notified: true };
  },
});
