import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import type { Catalog } from '../config/schema.js';
import { type FilterPolicy, SINKS, type Sink } from '../notifications/sinks.js';

export { emailFilterPolicy, type FilterPolicy } from '../notifications/sinks.js';

/**
 * The audit of the topics' subscriptions (pure): what the stacks subscribe, worked out from the catalog as
 * stacks/Notifications.ts does, against what SNS holds. A subscription added to the approval-links topic reads
 * every approver's signed links; one removed or re-filtered on the notifications topic silences the team's mail or
 * Slack. Either is found, put back and announced.
 */

export type SubscribedTopic = 'notifications' | 'approval-links';

/** One subscription the stacks make. */
export interface WantedSubscription {
  topic: SubscribedTopic;
  protocol: 'email' | 'lambda';
  endpoint: string;
  filterPolicy?: FilterPolicy | undefined;
  /** The catalog approver whose signed links this approval-links subscription receives. */
  approver?: string | undefined;
}

/** One subscription SNS lists (`arn` is `PendingConfirmation` for an email not yet confirmed). */
export interface HeldSubscription {
  arn: string;
  protocol: string;
  endpoint: string;
  /** Its filter policy, as read (GetSubscriptionAttributes); undefined when it has none or was not read. */
  filterPolicy?: FilterPolicy | undefined;
}

/** What a topic holds beyond, short of, or otherwise than the stacks made. */
export interface SubscriptionDrift {
  /** Subscriptions the stacks did not make. */
  extra: HeldSubscription[];
  /** Subscriptions the stacks made that SNS no longer lists. */
  missing: WantedSubscription[];
  /** The stacks' subscriptions whose filter policy changed. */
  refiltered: { held: HeldSubscription; wanted: WantedSubscription }[];
}

/**
 * The subscriptions the stacks make: each sink's on the notifications topic (core/notifications/sinks.ts: each email
 * subscriber with its filter, a relay function such as Slack's when `env` names it), and each approver's address on
 * the approval-links topic filtered on `approver`. `env`: the auditor's environment (the relays' ARNs).
 */
export function wantedSubscriptions(
  notifications: Catalog['notifications'],
  env: Readonly<Record<string, string | undefined>>,
  sinks: readonly Sink[] = SINKS,
): WantedSubscription[] {
  return [
    ...sinks.flatMap((sink) =>
      sink.subscriptions(notifications, env).map((s) => ({ topic: 'notifications' as const, ...s })),
    ),
    ...Object.entries(notifications.approvers).map(([approver, address]) => ({
      topic: 'approval-links' as const,
      protocol: 'email' as const,
      endpoint: address,
      filterPolicy: { approver: [approver] },
      approver,
    })),
  ];
}

/** SNS keeps an email endpoint as given; addresses compare without case. */
const key = (protocol: string, endpoint: string) =>
  `${protocol}\n${protocol === 'email' ? endpoint.toLowerCase() : endpoint}`;

const sameFilter = (a: FilterPolicy | undefined, b: FilterPolicy | undefined) =>
  canonicalJson(a ?? {}) === canonicalJson(b ?? {});

/** Whether a held subscription is confirmed (only a confirmed one has attributes, or can be unsubscribed). */
export const confirmed = (s: Pick<HeldSubscription, 'arn'>) => s.arn.startsWith('arn:');

/** Compares one topic's subscriptions with those the stacks make on it. */
export function subscriptionDrift(
  held: readonly HeldSubscription[],
  wanted: readonly WantedSubscription[],
): SubscriptionDrift {
  const wantedByKey = new Map(wanted.map((w) => [key(w.protocol, w.endpoint), w]));
  const heldKeys = new Set(held.map((h) => key(h.protocol, h.endpoint)));
  return {
    extra: held.filter((h) => !wantedByKey.has(key(h.protocol, h.endpoint))),
    missing: wanted.filter((w) => !heldKeys.has(key(w.protocol, w.endpoint))),
    refiltered: held.flatMap((h) => {
      const w = wantedByKey.get(key(h.protocol, h.endpoint));
      return w && confirmed(h) && !sameFilter(h.filterPolicy, w.filterPolicy) ? [{ held: h, wanted: w }] : [];
    }),
  };
}

export const hasSubscriptionDrift = (d: SubscriptionDrift) =>
  d.extra.length + d.missing.length + d.refiltered.length > 0;

/**
 * Whether a topic's listing alone (ListSubscriptionsByTopic, no filter policies read) shows a subscription added or
 * removed: the hourly look, which hands a topic that does to the full audit.
 */
export const listingDiffers = (d: SubscriptionDrift) => d.extra.length + d.missing.length > 0;

/** The approvers whose approval-links subscription SNS no longer lists: their signed links reach them no more. */
export const approversCutOff = (d: SubscriptionDrift): (WantedSubscription & { approver: string })[] =>
  d.missing.filter((w): w is WantedSubscription & { approver: string } => w.approver !== undefined);

/**
 * What an approver cut off from their links must do once the audit has subscribed their address again: SNS mails it
 * a new confirmation, and nothing reaches it until that is confirmed. Confirmed through the API with
 * `AuthenticateOnUnsubscribe`, the mail's unsubscribe link no longer removes it (only the topic's or the
 * subscription's owner, signed, can): https://docs.aws.amazon.com/sns/latest/api/API_ConfirmSubscription.html. Clicking
 * the confirmation link confirms unauthenticated, which leaves the unsubscribe link working.
 */
export function approverMustConfirm(approver: string, address: string, topicArn: string): string {
  return (
    `approver ${approver} receives no approval links until they confirm the new "AWS Notification - Subscription ` +
    `Confirmation" mail to ${address}; confirm it without clicking, so the unsubscribe link cannot remove it again: ` +
    `aws sns confirm-subscription --topic-arn ${topicArn} --token <the Token of that mail's confirmation link> ` +
    `--authenticate-on-unsubscribe true (factory-account credentials); until then ${approver} decides through Slack ` +
    'or goldsmith approve'
  );
}

/** The drift as people read it. */
export function describeSubscriptionDrift(d: SubscriptionDrift): string {
  return [
    ...d.extra.map((s) => `a subscription the stacks did not make (${s.protocol} ${s.endpoint})`),
    ...d.missing.map(
      (s) =>
        `no subscription of ${s.protocol} ${s.endpoint}${s.approver ? ` (approver ${s.approver}: their approval links no longer reach them)` : ''}`,
    ),
    ...d.refiltered.map(
      (r) => `${r.held.protocol} ${r.held.endpoint} filtered on ${canonicalJson(r.held.filterPolicy ?? {})}`,
    ),
  ].join('; ');
}

/** The ledger's sort key of one topic's drift: one record per topic, per change, per day found. */
export function subscriptionDriftSk(topic: SubscribedTopic, drift: SubscriptionDrift, now: Date): string {
  const view = {
    extra: drift.extra.map((s) => key(s.protocol, s.endpoint)),
    missing: drift.missing.map((s) => key(s.protocol, s.endpoint)),
    refiltered: drift.refiltered.map((r) => [key(r.held.protocol, r.held.endpoint), r.held.filterPolicy ?? {}]),
  };
  const change = createHash('sha256').update(canonicalJson(view)).digest('hex').slice(0, 16);
  return `DRIFT#subscription#${topic}#${now.toISOString().slice(0, 10)}#${change}`;
}

/**
 * The stacks' email subscriptions SNS lists only as pending confirmation: ListSubscriptionsByTopic
 * (https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html) answers `SubscriptionArn:
 * "PendingConfirmation"` for them in place of an ARN (the API reference describes the field only as "The
 * subscription's ARN"; AWS's knowledge center calls the state "Pending Confirmation":
 * https://repost.aws/knowledge-center/sns-email-subscription-disabled). Subscribed again by the audit, or never
 * confirmed: they match the wanted address, so {@link subscriptionDrift} sees nothing, yet nothing reaches them.
 */
export function awaitingConfirmation(
  held: readonly HeldSubscription[],
  wanted: readonly WantedSubscription[],
): WantedSubscription[] {
  const confirmedKeys = new Set(held.filter(confirmed).map((h) => key(h.protocol, h.endpoint)));
  const pendingKeys = new Set(held.filter((h) => !confirmed(h)).map((h) => key(h.protocol, h.endpoint)));
  return wanted.filter((w) => {
    const k = key(w.protocol, w.endpoint);
    return pendingKeys.has(k) && !confirmedKeys.has(k);
  });
}

/** What a reminder's finding and its announcement's title say of a subscription SNS lists as pending. */
export const AWAITING_CONFIRMATION = 'awaiting confirmation';

/** The key a wanted subscription is known by across days: protocol and endpoint (an address without case). */
export const subscriptionKey = (w: Pick<WantedSubscription, 'protocol' | 'endpoint'>) => key(w.protocol, w.endpoint);

/** The prefix of one topic's awaiting-confirmation records, all subscriptions and days. */
export const awaitingPrefix = (topic: SubscribedTopic) => `DRIFT#subscription#${topic}#awaiting#`;

/** Whether a sort key is an awaiting-confirmation record's ({@link awaitingSk}), of either topic. */
export const isAwaitingSk = (sk: string) => /^DRIFT#subscription#[a-z-]+#awaiting#/.test(sk);

/**
 * The ledger's sort key of a subscription awaiting confirmation on one day: one record per subscription per day
 * (the day last, so a prefix reads every day of one subscription, and the first open one says since when).
 */
export function awaitingSk(topic: SubscribedTopic, w: WantedSubscription, now: Date): string {
  const id = createHash('sha256').update(subscriptionKey(w)).digest('hex').slice(0, 16);
  return `${awaitingPrefix(topic)}${id}#${now.toISOString().slice(0, 10)}`;
}

/** The subscription's part of an awaiting sort key (without the day): `…#awaiting#<id>#`. */
export const awaitingSubscriptionPrefix = (sk: string) => sk.slice(0, sk.lastIndexOf('#') + 1);

/**
 * What the daily reminder of a subscription awaiting confirmation says: who receives nothing, since when, and how to
 * confirm. An approver is told as when cut off ({@link approverMustConfirm}); a notifications address is told to
 * confirm its mail. SNS deletes a subscription still unconfirmed after 48 hours
 * (https://aws.amazon.com/about-aws/whats-new/2023/05/amazon-sns-automatic-deletion-unconfirmed-subscriptions/; the
 * API reference states no period), and the audit subscribes the address again, which mails a new confirmation.
 */
export function describeAwaiting(
  w: WantedSubscription,
  topicArn: string,
  since: string,
): { found: string; action: string } {
  const who = w.approver !== undefined ? `approver ${w.approver}` : `notifications ${w.protocol} ${w.endpoint}`;
  const found = `${who}: subscription ${AWAITING_CONFIRMATION} since ${since} (${w.protocol} ${w.endpoint}): nothing reaches it until confirmed`;
  const action =
    w.approver !== undefined
      ? approverMustConfirm(w.approver, w.endpoint, topicArn)
      : `the owner of ${w.endpoint} confirms the "AWS Notification - Subscription Confirmation" mail SNS sent it ` +
        `(aws sns confirm-subscription --topic-arn ${topicArn} --token <the Token of its confirmation link> ` +
        '--authenticate-on-unsubscribe true keeps its unsubscribe link from removing it)';
  return {
    found,
    action: `${action}; SNS deletes an unconfirmed subscription after 48 hours and the audit subscribes the address again, with a new confirmation mail; reminded daily until confirmed`,
  };
}
