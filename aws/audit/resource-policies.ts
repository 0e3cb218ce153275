import { DescribeEventBusCommand, PutPermissionCommand } from '@aws-sdk/client-eventbridge';
import { GetTopicAttributesCommand, SetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { paginateGetParametersByPath } from '@aws-sdk/client-ssm';
import { type ExpectedPolicy, expectedPolicyFrom, type PolicyKind } from '../../core/audit/policies.js';
import { eventbridgeClient } from '../clients/eventbridge.js';
import { snsClient } from '../clients/sns.js';
import { sqsClient } from '../clients/sqs.js';
import { ssmClient } from '../clients/ssm.js';

/**
 * Every door's expected policy the stacks wrote under `path` (GetParametersByPath, paginated, recursive). Asked for the
 * path without its trailing slash: GetParametersByPath is authorized against the path in the request, which the role
 * names exactly (https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-retrieval-authorization.html).
 */
export async function readExpectedPolicies(path: string): Promise<(ExpectedPolicy & { parameter: string })[]> {
  const out: (ExpectedPolicy & { parameter: string })[] = [];
  for await (const page of paginateGetParametersByPath(
    { client: ssmClient() },
    { Path: path.replace(/\/$/, ''), Recursive: true },
  )) {
    for (const p of page.Parameters ?? []) {
      out.push({ ...expectedPolicyFrom(p.Name ?? '', p.Value ?? ''), parameter: p.Name ?? '' });
    }
  }
  return out;
}

/**
 * The policy AWS holds for a topic (GetTopicAttributes' `Policy`,
 * https://docs.aws.amazon.com/sns/latest/api/API_GetTopicAttributes.html), a queue (GetQueueAttributes with
 * `AttributeNames: ['Policy']`, absent when the queue has none:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html) or an event bus
 * (DescribeEventBus' `Policy`, "the permissions policy of the event bus, describing which other AWS accounts can write
 * events to this event bus": https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeEventBus.html).
 */
export async function readResourcePolicy(kind: PolicyKind, target: string): Promise<string | undefined> {
  if (kind === 'bus') {
    const out = await eventbridgeClient().send(new DescribeEventBusCommand({ Name: target }));
    return out.Policy;
  }
  if (kind === 'topic') {
    const out = await snsClient().send(new GetTopicAttributesCommand({ TopicArn: target }));
    return out.Attributes?.Policy;
  }
  const out = await sqsClient().send(new GetQueueAttributesCommand({ QueueUrl: target, AttributeNames: ['Policy'] }));
  return out.Attributes?.Policy;
}

/**
 * Puts the whole policy back: SetTopicAttributes with `AttributeName: 'Policy'`
 * (https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html), SetQueueAttributes with `Policy`
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html), PutPermission
 * with `Policy`, the whole policy "instead of using the StatementId, Action, Principal, or Condition parameters"
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html). Each replaces the policy
 * entirely, so a statement someone added goes with the same call; the caller reads it back to confirm.
 */
export async function putResourcePolicy(kind: PolicyKind, target: string, policy: ExpectedPolicy['policy']) {
  const json = JSON.stringify(policy);
  if (kind === 'bus') {
    await eventbridgeClient().send(new PutPermissionCommand({ EventBusName: target, Policy: json }));
    return;
  }
  if (kind === 'topic') {
    await snsClient().send(
      new SetTopicAttributesCommand({ TopicArn: target, AttributeName: 'Policy', AttributeValue: json }),
    );
    return;
  }
  await sqsClient().send(new SetQueueAttributesCommand({ QueueUrl: target, Attributes: { Policy: json } }));
}
