import { Duration, type Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { NAME_PREFIX } from '../../core/names.js';
import {
  API_CALL_VIA_CLOUDTRAIL,
  IMAGE_ATTRIBUTE_CALLS,
  PARAMETER_STORE_CHANGE,
  RESOURCE_POLICY_CALLS,
  RULE_CHANGE_CALLS,
} from '../../events/outside-change.js';

/** The CloudTrail events of the calls that change a rule or an AMI's launch permissions (events/outside-change.ts). */
export const ruleChangePattern = {
  source: ['aws.events'],
  'detail-type': [API_CALL_VIA_CLOUDTRAIL],
  detail: { eventSource: ['events.amazonaws.com'], eventName: [...RULE_CHANGE_CALLS] },
};
export const imageAttributePattern = {
  source: ['aws.ec2'],
  'detail-type': [API_CALL_VIA_CLOUDTRAIL],
  detail: { eventSource: ['ec2.amazonaws.com'], eventName: [...IMAGE_ATTRIBUTE_CALLS] },
};
/**
 * The CloudTrail events of the calls that put or delete a resource policy on a channel pointer, made in the factory
 * account (`account`) and carried out. The parameter's ARN names its Region and account, so it is matched by
 * wildcard: "Wildcard filters use the wildcard character (*) to match zero, single, or multiple characters in a string
 * value", several to a filter
 * (https://aws.amazon.com/blogs/compute/filtering-events-in-amazon-eventbridge-with-wildcard-pattern-matching/).
 * A refused call is recorded with its `errorCode` and changed nothing, so it is left out by an exists filter, which
 * matches "when a specific field doesn't exist in the event JSON"
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/content-filtering-with-event-patterns.html). The
 * envelope's `account` is the account the call was made in; the other Regions' events come through the forwarding
 * rule, which sends to the home bus of the same account, so the factory account is the only one wanted.
 */
export function pointerPolicyPattern(account: string) {
  return {
    source: ['aws.ssm'],
    'detail-type': [API_CALL_VIA_CLOUDTRAIL],
    account: [account],
    detail: {
      eventSource: ['ssm.amazonaws.com'],
      eventName: [...RESOURCE_POLICY_CALLS],
      errorCode: [{ exists: false }],
      requestParameters: { resourceArn: [{ wildcard: `arn:*:ssm:*:*:parameter/${NAME_PREFIX}/*` }] },
    },
  };
}

/**
 * Outside changes seen in minutes: the events AWS emits when someone changes a channel pointer (Parameter Store
 * Change, no trail needed), a rule (CloudTrail: DisableRule, DeleteRule, PutRule, RemoveTargets, PutTargets) or an
 * AMI's launch permissions (CloudTrail: ModifyImageAttribute, ResetImageAttribute) or a pointer's resource policy
 * (CloudTrail: PutResourcePolicy, DeleteResourcePolicy) go to the reconciler, which reads back just that resource (functions/audit/readback.ts). CloudTrail's events need a trail recording management
 * events (docs/security.md); the other Regions' arrive through their forwarding rule. Failed deliveries park in the
 * reconciler's own dead-letter queue; the sweep stays the backstop.
 */
export function createOutsideChangeRules(stack: Stack, reconcile: IFunction, dlq: sqs.IQueue): events.Rule[] {
  const target = () =>
    new targets.LambdaFunction(reconcile, { deadLetterQueue: dlq, retryAttempts: 10, maxEventAge: Duration.hours(6) });
  const rule = (id: string, description: string, pattern: Record<string, unknown>) =>
    new events.Rule(stack, id, {
      description,
      eventPattern: {
        source: pattern.source as string[],
        detailType: pattern['detail-type'] as string[],
        ...(pattern.account ? { account: pattern.account as string[] } : {}),
        detail: pattern.detail as Record<string, unknown>,
      },
      targets: [target()],
    });
  return [
    rule('PointerChangeRule', 'Goldsmith: a channel pointer changed → the reconciler reads it back', {
      source: ['aws.ssm'],
      'detail-type': [PARAMETER_STORE_CHANGE],
      detail: { name: [{ prefix: `/${NAME_PREFIX}/` }] },
    }),
    rule(
      'RuleChangeRule',
      "Goldsmith: a rule changed (CloudTrail) → the reconciler reads Goldsmith's back",
      ruleChangePattern,
    ),
    rule(
      'LaunchPermissionChangeRule',
      "Goldsmith: an AMI's launch permissions changed (CloudTrail) → the reconciler reads it back",
      imageAttributePattern,
    ),
    rule(
      'PointerPolicyChangeRule',
      "Goldsmith: a channel pointer's resource policy changed (CloudTrail) → the reconciler reads it back",
      pointerPolicyPattern(stack.account),
    ),
  ];
}
