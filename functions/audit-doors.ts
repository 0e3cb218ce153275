import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { TransientError } from '../core/errors/classify.js';
import { metricNames } from '../core/observability/metrics.js';
import { subscriptionCallSchema } from '../events/subscription-call.js';
import type { AuditPart } from './audit/report.js';
import { auditSubscriptions, glanceAtSubscriptions } from './audit/subscriptions.js';
import { handlerFor } from './lib/middleware.js';
import { metrics } from './lib/powertools.js';

/** The daily schedule's input (stacks/notifications/audit-doors.ts). */
export const auditDoorsInputSchema = z.strictObject({ audit: z.literal('doors') });

/** The hourly schedule's input: the topics' subscriptions listed only (stacks/notifications/audit-doors.ts). */
export const glanceInputSchema = z.strictObject({ audit: z.literal('subscriptions') });

/**
 * The doors' auditor, a function of its own beside the reconciler: the topics' subscriptions read back daily and
 * within minutes of a subscription call CloudTrail reports, listed hourly (a removal by an email's unsubscribe link
 * emits no CloudTrail event), put back if changed outside Goldsmith, announced. A failure fails the invocation
 * (transient: retried, then the next run is the backstop).
 */
export async function auditDoors(hourly = false): Promise<AuditPart> {
  const now = new Date();
  const part = hourly ? await glanceAtSubscriptions(now) : await auditSubscriptions(now);
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
  parse: z.union([auditDoorsInputSchema, glanceInputSchema, subscriptionCallSchema]),
  handle: (input) => auditDoors('audit' in input && input.audit === 'subscriptions'),
});
