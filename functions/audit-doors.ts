import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { TransientError } from '../core/errors/classify.js';
import { metricNames } from '../core/observability/metrics.js';
import { subscriptionCallSchema } from '../events/subscription-call.js';
import type { AuditPart } from './audit/report.js';
import { auditSubscriptions } from './audit/subscriptions.js';
import { handlerFor } from './lib/middleware.js';
import { metrics } from './lib/powertools.js';

/** The daily schedule's input (stacks/notifications/audit-doors.ts). */
export const auditDoorsInputSchema = z.strictObject({ audit: z.literal('doors') });

/**
 * The doors' auditor, a function of its own beside the reconciler: the topics' subscriptions read back daily and
 * within minutes of a subscription call CloudTrail reports, put back if changed outside Goldsmith, announced. A
 * failure fails the invocation (transient: retried, then the next run is the backstop).
 */
export async function auditDoors(): Promise<AuditPart> {
  const part = await auditSubscriptions(new Date());
  metrics.addMetric(metricNames.driftFound, MetricUnit.Count, part.findings.length);
  if (part.failures.length > 0) {
    const message = `audit-doors: ${part.failures.join('; ')}`;
    throw part.permanentFailures === 0 ? new TransientError(message) : new Error(message);
  }
  return part;
}

export const handler = handlerFor({
  name: 'audit-doors',
  recordFailure: recordFailedInvocation,
  parse: z.union([auditDoorsInputSchema, subscriptionCallSchema]),
  handle: () => auditDoors(),
});
