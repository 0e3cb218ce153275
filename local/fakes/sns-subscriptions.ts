import { NotFoundException, SNSServiceException } from '@aws-sdk/client-sns';
import { errorFactory, type FakeCall, NotImplementedByFakeError, required } from './common.js';
import { FilterPolicyError, parseFilterPolicy } from './sns-filter.js';
import type { SnsSubscription } from './sns-subscription.js';

const snsErr = errorFactory(SNSServiceException);

/**
 * SNS's calls on subscriptions: ListSubscriptionsByTopic, ListSubscriptions (the account's, in the Region called),
 * GetSubscriptionAttributes,
 * SetSubscriptionAttributes (the filter policy) and Unsubscribe, on the SNS fake's subscriptions.
 */
export function subscriptionCall(
  subscriptions: SnsSubscription[],
  accountId: string,
  call: FakeCall,
  invalid: (msg: string) => Error,
  topic: (arn: string) => string,
): unknown {
  const subscription = (arn: string): SnsSubscription => {
    const sub = subscriptions.find((s) => s.arn === arn);
    if (!sub) throw snsErr(NotFoundException, 'Subscription does not exist', 404);
    return sub;
  };
  /**
   * One page of subscriptions, 100 a page; a pending one's ARN is `PendingConfirmation`
   * (https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html,
   * https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptions.html).
   */
  const pageOf = (all: readonly SnsSubscription[], token: unknown) => {
    const start = typeof token === 'string' ? Number(token) : 0;
    const page = all.slice(start, start + 100);
    return {
      Subscriptions: page.map((s) => ({
        SubscriptionArn: s.pending ? 'PendingConfirmation' : s.arn,
        Owner: accountId,
        Protocol: s.protocol,
        Endpoint: s.endpoint,
        TopicArn: s.topicArn,
      })),
      ...(start + 100 < all.length ? { NextToken: String(start + 100) } : {}),
    };
  };
  switch (call.action) {
    case 'ListSubscriptionsByTopic': {
      const topicArn = topic(required(call.input, 'TopicArn', invalid));
      return pageOf(
        subscriptions.filter((s) => s.topicArn === topicArn),
        call.input.NextToken,
      );
    }
    // "The requester's subscriptions": every subscription the account made is the fake's, on the topics of the
    // Region called (each Region's SNS is its own).
    case 'ListSubscriptions':
      return pageOf(
        subscriptions.filter((s) => s.topicArn.split(':')[3] === call.region),
        call.input.NextToken,
      );
    case 'GetSubscriptionAttributes': {
      const sub = subscription(required(call.input, 'SubscriptionArn', invalid));
      return {
        Attributes: {
          SubscriptionArn: sub.arn,
          TopicArn: sub.topicArn,
          Protocol: sub.protocol,
          Endpoint: sub.endpoint,
          PendingConfirmation: String(sub.pending === true),
          ...(sub.filterPolicyJson ? { FilterPolicy: sub.filterPolicyJson } : {}),
        },
      };
    }
    case 'SetSubscriptionAttributes': {
      const sub = subscription(required(call.input, 'SubscriptionArn', invalid));
      if (call.input.AttributeName !== 'FilterPolicy') throw new NotImplementedByFakeError('sns', call.action);
      const json = String(call.input.AttributeValue ?? '{}');
      try {
        // `{}` removes the filter policy (https://docs.aws.amazon.com/sns/latest/dg/example_sns_SetSubscriptionAttributes_section.html).
        const empty = Object.keys(JSON.parse(json) as object).length === 0;
        sub.filterPolicy = empty ? undefined : parseFilterPolicy(json);
        sub.filterPolicyJson = empty ? undefined : json;
      } catch (error) {
        if (error instanceof FilterPolicyError || error instanceof SyntaxError) throw invalid(error.message);
        throw error;
      }
      return {};
    }
    case 'Unsubscribe': {
      const sub = subscription(required(call.input, 'SubscriptionArn', invalid));
      subscriptions.splice(subscriptions.indexOf(sub), 1);
      return {};
    }
    default:
      throw new NotImplementedByFakeError('sns', call.action);
  }
}

/**
 * The owner of a pending email subscription follows its confirmation link (an unauthenticated ConfirmSubscription:
 * the mail's unsubscribe link keeps working), or confirms it with a signed ConfirmSubscription and
 * `AuthenticateOnUnsubscribe=true` (https://docs.aws.amazon.com/sns/latest/api/API_ConfirmSubscription.html).
 */
export function confirmSubscription(
  subscriptions: SnsSubscription[],
  subscriptionArn: string,
  authenticateOnUnsubscribe: boolean,
): void {
  const sub = subscriptions.find((s) => s.arn === subscriptionArn);
  if (!sub) return;
  sub.pending = undefined;
  sub.pendingSince = undefined;
  if (authenticateOnUnsubscribe) sub.authenticateOnUnsubscribe = true;
}

/**
 * Anyone holding a mail the subscription received follows its unsubscribe link: SNS removes the subscription with an
 * unauthenticated Unsubscribe, which CloudTrail does not log ("When you are not logged in to Amazon Web Services
 * (unauthenticated mode) and either the ConfirmSubscription or Unsubscribe actions are invoked, then they will not be
 * logged to CloudTrail": https://docs.aws.amazon.com/sns/latest/dg/sns-logging-using-cloudtrail.html), so no event
 * reaches EventBridge, and no IAM policy (the SCP, the topic's) applies to a caller with no identity. A subscription
 * confirmed with `AuthenticateOnUnsubscribe` stays: its Unsubscribe needs the topic's or the subscription's owner,
 * signed (https://docs.aws.amazon.com/sns/latest/api/API_Unsubscribe.html). Not modelled: the final cancellation mail
 * SNS sends the endpoint. Returns whether the subscription was removed.
 */
export function unsubscribeByLink(subscriptions: SnsSubscription[], subscriptionArn: string): boolean {
  const sub = subscriptions.find((s) => s.arn === subscriptionArn);
  if (!sub || sub.pending || sub.authenticateOnUnsubscribe) return false;
  subscriptions.splice(subscriptions.indexOf(sub), 1);
  return true;
}

/** How long SNS keeps a subscription pending confirmation before deleting it ({@link expireUnconfirmed}). */
export const UNCONFIRMED_LIFETIME_MS = 48 * 60 * 60_000;

/**
 * SNS deletes a subscription left pending confirmation for 48 hours: "automatic deletion of unconfirmed
 * subscriptions once they have been in a pending confirmation state for 48 hours"
 * (https://aws.amazon.com/about-aws/whats-new/2023/05/amazon-sns-automatic-deletion-unconfirmed-subscriptions/;
 * "Amazon SNS automatically deletes unconfirmed subscriptions after 48 hours unless you run the ConfirmSubscription
 * API action": https://repost.aws/knowledge-center/sns-email-subscription-disabled). The API reference states no
 * period. Applied before every call the fake answers, at the fake's clock `now` (epoch ms).
 */
export function expireUnconfirmed(subscriptions: SnsSubscription[], now: number): void {
  for (const sub of subscriptions.filter(
    (s) => s.pending && s.pendingSince !== undefined && now - s.pendingSince >= UNCONFIRMED_LIFETIME_MS,
  ))
    subscriptions.splice(subscriptions.indexOf(sub), 1);
}
