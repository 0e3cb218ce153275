import * as z from 'zod';

/**
 * Events AWS emits when someone changes what Goldsmith made, which ask the audit to read just that resource back
 * (functions/audit/readback.ts). Only where they name it is anything read: the event is a hint, never the fact.
 * - "Parameter Store Change" (source aws.ssm): sent by Parameter Store itself, no trail needed
 *   (https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html).
 * - "AWS API Call via CloudTrail" (aws.events: DisableRule, DeleteRule, PutRule, RemoveTargets, PutTargets; aws.ec2:
 *   ModifyImageAttribute, ResetImageAttribute, DisableImage): sent only where "a CloudTrail trail with logging enabled" records
 *   management events (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html),
 *   and only to the default bus of the Region the call was made in.
 * - "AWS API Call via CloudTrail" (aws.ssm: PutResourcePolicy, DeleteResourcePolicy on a parameter): "All of the
 *   Systems Manager actions are logged"
 *   (https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-cloudtrail-logs.html); both change
 *   something, so they are management events, which a trail records by default
 *   (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html).
 *   The API's request member is `ResourceArn`
 *   (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutResourcePolicy.html); CloudTrail is taken
 *   to name it as it names other calls' members, first letter lower case (`requestParameters.resourceArn`, as
 *   `name` for EventBridge's DisableRule and `imageId` for ModifyImageAttribute). Not confirmed: neither AWS's pages
 *   nor a public issue or sample show a recorded PutResourcePolicy/DeleteResourcePolicy event of Systems Manager
 *   (docs/aws-behaviours/organization.md). Were the member named otherwise, PointerPolicyChangeRule would match
 *   nothing and a changed pointer policy would wait for the next daily pass, which reads the policies of a pointer RAM
 *   lists in a share not its channel's, or for the policies' sweep (`pointerPolicySweepEvery`).
 */

export const PARAMETER_STORE_CHANGE = 'Parameter Store Change';
export const API_CALL_VIA_CLOUDTRAIL = 'AWS API Call via CloudTrail';
/** The EventBridge calls that silence or redirect a rule. */
export const RULE_CHANGE_CALLS = ['DisableRule', 'DeleteRule', 'PutRule', 'RemoveTargets', 'PutTargets'] as const;
/**
 * The EC2 calls that change an AMI's launch permissions: ModifyImageAttribute, ResetImageAttribute, and DisableImage,
 * which "sets the AMI state to disabled and removes all launch permissions from the AMI"
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisableImage.html). Each names the AMI `imageId` in the
 * record, as the API's `ImageId` (first letter lower case, as CloudTrail names ModifyImageAttribute's).
 */
export const IMAGE_ATTRIBUTE_CALLS = ['ModifyImageAttribute', 'ResetImageAttribute', 'DisableImage'] as const;
/** The Parameter Store calls that put or take away a parameter's resource policy (a pointer shared outside RAM). */
export const RESOURCE_POLICY_CALLS = ['PutResourcePolicy', 'DeleteResourcePolicy'] as const;

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

export const resourcePolicyCallSchema = z.object({
  ...base,
  source: z.literal('aws.ssm'),
  'detail-type': z.literal(API_CALL_VIA_CLOUDTRAIL),
  region: z.string().min(1),
  detail: z.object({
    eventSource: z.literal('ssm.amazonaws.com'),
    eventName: z.enum(RESOURCE_POLICY_CALLS),
    awsRegion: z.string().min(1).optional(),
    // The parameter whose policy changed: what is read back. An event without it says nothing to act on.
    requestParameters: z.object({
      resourceArn: z.string().regex(/^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\//, 'must be a parameter ARN'),
    }),
  }),
});

export const outsideChangeEventSchema = z.union([
  parameterStoreChangeSchema,
  ruleApiCallSchema,
  imageAttributeCallSchema,
  resourcePolicyCallSchema,
]);
export type OutsideChangeEvent = z.output<typeof outsideChangeEventSchema>;
