import * as z from 'zod';

/**
 * Events AWS emits when someone changes what Goldsmith made, which ask the audit to read just that resource back
 * (functions/audit/readback.ts). Only where they name it is anything read: the event is a hint, never the fact.
 * - "Parameter Store Change" (source aws.ssm): sent by Parameter Store itself, no trail needed
 *   (https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html).
 * - "AWS API Call via CloudTrail" (aws.events: DisableRule, DeleteRule, PutRule, RemoveTargets, PutTargets; aws.ec2:
 *   ModifyImageAttribute, ResetImageAttribute): sent only where "a CloudTrail trail with logging enabled" records
 *   management events (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html),
 *   and only to the default bus of the Region the call was made in.
 */

export const PARAMETER_STORE_CHANGE = 'Parameter Store Change';
export const API_CALL_VIA_CLOUDTRAIL = 'AWS API Call via CloudTrail';
/** The EventBridge calls that silence or redirect a rule. */
export const RULE_CHANGE_CALLS = ['DisableRule', 'DeleteRule', 'PutRule', 'RemoveTargets', 'PutTargets'] as const;
/** The EC2 calls that change an AMI's launch permissions. */
export const IMAGE_ATTRIBUTE_CALLS = ['ModifyImageAttribute', 'ResetImageAttribute'] as const;

const base = { version: z.string().optional(), id: z.string().optional(), account: z.string().optional() };

export const parameterStoreChangeSchema = z.object({
  ...base,
  source: z.literal('aws.ssm'),
  'detail-type': z.literal(PARAMETER_STORE_CHANGE),
  region: z.string().min(1),
  detail: z.object({ name: z.string().min(1), operation: z.string().min(1) }),
});

export const ruleApiCallSchema = z.object({
  ...base,
  source: z.literal('aws.events'),
  'detail-type': z.literal(API_CALL_VIA_CLOUDTRAIL),
  region: z.string().min(1),
  detail: z.object({
    eventSource: z.literal('events.amazonaws.com'),
    eventName: z.enum(RULE_CHANGE_CALLS),
    awsRegion: z.string().min(1).optional(),
    // DisableRule, DeleteRule, PutRule name the rule `name`; PutTargets and RemoveTargets `rule`.
    requestParameters: z.object({ name: z.string().optional(), rule: z.string().optional() }).nullable(),
  }),
});

export const imageAttributeCallSchema = z.object({
  ...base,
  source: z.literal('aws.ec2'),
  'detail-type': z.literal(API_CALL_VIA_CLOUDTRAIL),
  region: z.string().min(1),
  detail: z.object({
    eventSource: z.literal('ec2.amazonaws.com'),
    eventName: z.enum(IMAGE_ATTRIBUTE_CALLS),
    awsRegion: z.string().min(1).optional(),
    requestParameters: z.object({ imageId: z.string().min(1) }).nullable(),
  }),
});

export const outsideChangeEventSchema = z.union([
  parameterStoreChangeSchema,
  ruleApiCallSchema,
  imageAttributeCallSchema,
]);
export type OutsideChangeEvent = z.output<typeof outsideChangeEventSchema>;
