import type { FilterPolicy } from './sns-filter.js';

/** A subscription: who receives a topic's messages, filtered by its policy on message attributes. */
export interface SnsSubscription {
  readonly arn: string;
  readonly topicArn: string;
  /** `email`, `lambda`, `sqs`, … */
  readonly protocol: string;
  /** The address, function or queue ARN. */
  readonly endpoint: string;
  filterPolicy?: FilterPolicy | undefined;
  /** Its JSON as set (what GetSubscriptionAttributes answers as `FilterPolicy`). */
  filterPolicyJson?: string | undefined;
  /** An email subscribed through the API waits for its owner to confirm it, and receives nothing until then. */
  pending?: boolean | undefined;
  /** When a pending subscription was made (epoch ms): SNS deletes it 48 hours later unless confirmed. */
  pendingSince?: number | undefined;
  /**
   * Confirmed by a signed ConfirmSubscription with `AuthenticateOnUnsubscribe=true`: only the topic's or the
   * subscription's owner, signed, can remove it, and the mail's unsubscribe link no longer does.
   */
  authenticateOnUnsubscribe?: boolean | undefined;
}
