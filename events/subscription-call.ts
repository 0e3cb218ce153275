import * as z from 'zod';
import { API_CALL_VIA_CLOUDTRAIL } from './outside-change.js';

/**
 * A subscription call CloudTrail reports ("AWS API Call via CloudTrail", source aws.sns; needs a trail recording
 * management events: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html): the
 * doors' auditor reads the topics' subscriptions back (functions/audit-doors.ts). Apart from the reconciler's outside
 * changes, so the reconciler's bundle does not carry it.
 */

/** The SNS calls that add, remove or re-filter a topic's subscriptions. */
export const SUBSCRIPTION_CALLS = [
  'Subscribe',
  'ConfirmSubscription',
  'Unsubscribe',
  'SetSubscriptionAttributes',
] as const;

/** A subscription call CloudTrail reports: the doors' auditor reads the topics' subscriptions back. */
export const subscriptionCallSchema = z.object({
  version: z.string().optional(),
  id: z.string().optional(),
  account: z.string().optional(),
  source: z.literal('aws.sns'),
  'detail-type': z.literal(API_CALL_VIA_CLOUDTRAIL),
  region: z.string().min(1),
  detail: z.object({ eventSource: z.literal('sns.amazonaws.com'), eventName: z.enum(SUBSCRIPTION_CALLS) }),
});
