import {
  GetSubscriptionAttributesCommand,
  paginateListSubscriptionsByTopic,
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import type { FilterPolicy, HeldSubscription } from '../../core/audit/subscriptions.js';
import { snsClient } from '../clients/sns.js';

/**
 * A topic's subscriptions as SNS holds them (ListSubscriptionsByTopic, 100 a page:
 * https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html). An email not yet confirmed is
 * listed with the SubscriptionArn `PendingConfirmation`.
 */
export async function listTopicSubscriptions(topicArn: string): Promise<HeldSubscription[]> {
  const held: HeldSubscription[] = [];
  for await (const page of paginateListSubscriptionsByTopic({ client: snsClient() }, { TopicArn: topicArn })) {
    for (const s of page.Subscriptions ?? []) {
      held.push({ arn: s.SubscriptionArn ?? '', protocol: s.Protocol ?? '', endpoint: s.Endpoint ?? '' });
    }
  }
  return held;
}

/**
 * A confirmed subscription's filter policy (GetSubscriptionAttributes: `FilterPolicy`, absent when it has none:
 * https://docs.aws.amazon.com/sns/latest/api/API_GetSubscriptionAttributes.html).
 */
export async function subscriptionFilterPolicy(subscriptionArn: string): Promise<FilterPolicy | undefined> {
  const out = await snsClient().send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
  const raw = out.Attributes?.FilterPolicy;
  return raw ? (JSON.parse(raw) as FilterPolicy) : undefined;
}

/** Removes a subscription the stacks did not make. */
export async function unsubscribe(subscriptionArn: string): Promise<void> {
  await snsClient().send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
}

/** Subscribes an endpoint again, with its filter policy (an email address must confirm it again). */
export async function subscribe(
  topicArn: string,
  protocol: string,
  endpoint: string,
  filterPolicy: FilterPolicy | undefined,
): Promise<void> {
  await snsClient().send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: protocol,
      Endpoint: endpoint,
      ...(filterPolicy ? { Attributes: { FilterPolicy: JSON.stringify(filterPolicy) } } : {}),
      ReturnSubscriptionArn: true,
    }),
  );
}

/**
 * Puts a subscription's filter policy back; none is written as `{}`, which SNS takes as no filter
 * (https://docs.aws.amazon.com/sns/latest/dg/example_sns_SetSubscriptionAttributes_section.html).
 */
export async function setFilterPolicy(subscriptionArn: string, filterPolicy: FilterPolicy | undefined): Promise<void> {
  await snsClient().send(
    new SetSubscriptionAttributesCommand({
      SubscriptionArn: subscriptionArn,
      AttributeName: 'FilterPolicy',
      AttributeValue: JSON.stringify(filterPolicy ?? {}),
    }),
  );
}
