import {
  GetSubscriptionAttributesCommand,
  paginateListSubscriptions,
  paginateListSubscriptionsByTopic,
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
  type Subscription,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import type { FilterPolicy, HeldSubscription } from '../../core/audit/subscriptions.js';
import { snsClient } from '../clients/sns.js';

const heldFrom = (s: Subscription): HeldSubscription => ({
  arn: s.SubscriptionArn ?? '',
  protocol: s.Protocol ?? '',
  endpoint: s.Endpoint ?? '',
});

/**
 * A topic's subscriptions as SNS holds them (ListSubscriptionsByTopic, 100 a page:
 * https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html). An email not yet confirmed is
 * listed with the SubscriptionArn `PendingConfirmation`.
 */
export async function listTopicSubscriptions(topicArn: string): Promise<HeldSubscription[]> {
  const held: HeldSubscription[] = [];
  for await (const page of paginateListSubscriptionsByTopic({ client: snsClient() }, { TopicArn: topicArn })) {
    for (const s of page.Subscriptions ?? []) {
      held.push(heldFrom(s));
    }
  }
  return held;
}

/**
 * The subscriptions of each of `topicArns` read from the first page of the account's subscriptions in the home Region
 * (ListSubscriptions: "Returns a list of the requester's subscriptions. Each call returns a limited list of
 * subscriptions, up to 100. If there are more subscriptions, a NextToken is also returned"; "throttled at 30
 * transactions per second (TPS)": https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptions.html), each as
 * ListSubscriptionsByTopic would list it (the same Subscription objects; a pending one's SubscriptionArn
 * `PendingConfirmation`). Undefined when that page is not the whole listing (a NextToken): the caller then lists each
 * topic on its own, so a run costs at most one call more than per-topic listing. "The requester's subscriptions" are
 * those made by principals of this account; another account's subscription to a topic is listed only by
 * ListSubscriptionsByTopic (https://github.com/turbot/steampipe-plugin-aws/issues/1488): Goldsmith's topics refuse
 * Subscribe to anyone but this account's deployment role and the doors' auditor (stacks/resource-doors.ts,
 * SubscriptionsOnlyByDeployment), so every subscription they hold is this account's.
 */
export async function subscriptionsOfTopicsAtOnce(
  topicArns: readonly string[],
): Promise<Map<string, HeldSubscription[]> | undefined> {
  const byTopic = new Map(topicArns.map((arn): [string, HeldSubscription[]] => [arn, []]));
  // Only the first page: the paginator asks for the next one only when the loop goes on.
  for await (const page of paginateListSubscriptions({ client: snsClient() }, {})) {
    if (page.NextToken) return undefined;
    for (const s of page.Subscriptions ?? []) byTopic.get(s.TopicArn ?? '')?.push(heldFrom(s));
    return byTopic;
  }
  return byTopic;
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
