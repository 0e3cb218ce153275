import * as z from 'zod';
import { API_CALL_VIA_CLOUDTRAIL, PARAMETER_STORE_CHANGE } from './outside-change.js';

/**
 * The events that ask the policies auditor (functions/audit-policies.ts) to read the doors' resource policies back
 * within minutes rather than at the next daily run, so a door widened and narrowed again within the day is still
 * seen. Apart from the reconciler's outside changes, so the reconciler's bundle does not carry them.
 * - "AWS API Call via CloudTrail" of the calls that change a topic's, a queue's or an event bus's policy: sent only
 *   where "a CloudTrail trail with logging enabled" records management events, to the default bus of the Region the
 *   call was made in (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html).
 *   SNS: SetTopicAttributes (its `Policy`), AddPermission, RemovePermission
 *   (https://docs.aws.amazon.com/sns/latest/dg/logging-using-cloudtrail.html); SQS: SetQueueAttributes,
 *   AddPermission, RemovePermission, queue management calls logged by default
 *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/logging-using-cloudtrail.html);
 *   EventBridge: PutPermission, RemovePermission
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/logging-using-cloudtrail.html). All are management
 *   events, which a trail records by default.
 * - "Parameter Store Change" of a door's expected policy under `/goldsmith/_policies/`: sent by Parameter Store
 *   itself, no trail needed
 *   (https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html).
 */

/** The calls that change a door's resource policy, by the service that takes them. */
export const POLICY_CALLS = {
  'sns.amazonaws.com': ['SetTopicAttributes', 'AddPermission', 'RemovePermission'],
  'sqs.amazonaws.com': ['SetQueueAttributes', 'AddPermission', 'RemovePermission'],
  'events.amazonaws.com': ['PutPermission', 'RemovePermission'],
} as const;

/** Where the stacks write the doors' expected policies (core/audit/policies.ts `resourcePoliciesPath`), any stage. */
export const EXPECTED_POLICIES_PREFIX = '/goldsmith/_policies/';

const base = { version: z.string().optional(), id: z.string().optional(), account: z.string().optional() };

const call = <Source extends string, Service extends keyof typeof POLICY_CALLS>(source: Source, service: Service) =>
  z.object({
    ...base,
    source: z.literal(source),
    'detail-type': z.literal(API_CALL_VIA_CLOUDTRAIL),
    region: z.string().min(1),
    detail: z.object({ eventSource: z.literal(service), eventName: z.enum(POLICY_CALLS[service]) }),
  });

/** A call CloudTrail reports that changed (or tried to change) a topic's, queue's or bus's policy. */
export const policyCallSchema = z.union([
  call('aws.sns', 'sns.amazonaws.com'),
  call('aws.sqs', 'sqs.amazonaws.com'),
  call('aws.events', 'events.amazonaws.com'),
]);

/** A Parameter Store Change of a door's expected policy. */
export const expectedPolicyChangeSchema = z.object({
  ...base,
  source: z.literal('aws.ssm'),
  'detail-type': z.literal(PARAMETER_STORE_CHANGE),
  region: z.string().min(1),
  detail: z.object({
    name: z.string().startsWith(EXPECTED_POLICIES_PREFIX, `detail.name must begin ${EXPECTED_POLICIES_PREFIX}`),
    operation: z.string().min(1),
  }),
});
export type ExpectedPolicyChange = z.output<typeof expectedPolicyChangeSchema>;
