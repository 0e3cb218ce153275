import { markDriftRepaired, recordDrift } from '../../aws/audit/audit-ledger.js';
import {
  listTopicSubscriptions,
  setFilterPolicy,
  subscribe,
  subscriptionFilterPolicy,
  subscriptionsOfTopicsAtOnce,
  unsubscribe,
} from '../../aws/audit/topic-subscriptions.js';
import {
  approverMustConfirm,
  approversCutOff,
  confirmed,
  describeSubscriptionDrift,
  type HeldSubscription,
  hasSubscriptionDrift,
  listingDiffers,
  type SubscribedTopic,
  type SubscriptionDrift,
  subscriptionDrift,
  subscriptionDriftSk,
  subscriptionKey,
  type WantedSubscription,
  wantedSubscriptions,
} from '../../core/audit/subscriptions.js';
import { bundledCatalog } from '../lib/catalog.js';
import { logger } from '../lib/powertools.js';
import { type AuditPart, announceFinding, emptyPart, failed, messageOf } from './report.js';
import { remindAwaitingConfirmation } from './subscriptions-awaiting.js';

/** The topics whose subscriptions the stacks make, by the environment the stacks give the auditor. */
function topics(): { topic: SubscribedTopic; arn: string }[] {
  const { NOTIFY_TOPIC_ARN, APPROVAL_TOPIC_ARN } = process.env;
  return [
    ...(NOTIFY_TOPIC_ARN ? [{ topic: 'notifications' as const, arn: NOTIFY_TOPIC_ARN }] : []),
    ...(APPROVAL_TOPIC_ARN ? [{ topic: 'approval-links' as const, arn: APPROVAL_TOPIC_ARN }] : []),
  ];
}

/** A topic's subscriptions, with the filter policy of each confirmed one the stacks make (the only ones compared). */
async function readTopic(part: AuditPart, arn: string, wanted: readonly WantedSubscription[]) {
  part.reads += 1;
  const held = await listTopicSubscriptions(arn);
  const ours = new Set(wanted.map((w) => `${w.protocol}\n${w.endpoint.toLowerCase()}`));
  for (const s of held) {
    if (!confirmed(s) || !ours.has(`${s.protocol}\n${s.endpoint.toLowerCase()}`)) continue;
    part.reads += 1;
    s.filterPolicy = await subscriptionFilterPolicy(s.arn);
  }
  return held;
}

/** Puts a topic's subscriptions back as the stacks made them. */
async function putBack(arn: string, drift: SubscriptionDrift): Promise<void> {
  for (const s of drift.extra.filter(confirmed)) await unsubscribe(s.arn);
  for (const s of drift.missing) await subscribe(arn, s.protocol, s.endpoint, s.filterPolicy);
  for (const r of drift.refiltered) await setFilterPolicy(r.held.arn, r.wanted.filterPolicy);
}

/** What the approvers the drift cut off from their links must do, once their addresses are subscribed again. */
function toldApprovers(arn: string, drift: SubscriptionDrift, after: readonly HeldSubscription[]): string {
  const pending = new Set(after.filter((s) => !confirmed(s)).map((s) => s.endpoint.toLowerCase()));
  return approversCutOff(drift)
    .filter((w) => pending.has(w.endpoint.toLowerCase()))
    .map((w) => `; ${approverMustConfirm(w.approver, w.endpoint, arn)}`)
    .join('');
}

/**
 * Records a topic's drift, puts the subscriptions back, reads them back and announces what was done (critical while
 * not put right, or while an approver must confirm again). Returns the topic's subscriptions after the repair.
 */
async function repair(
  part: AuditPart,
  topic: SubscribedTopic,
  arn: string,
  mine: readonly WantedSubscription[],
  drift: SubscriptionDrift,
  now: Date,
): Promise<HeldSubscription[]> {
  const at = now.toISOString();
  const sk = subscriptionDriftSk(topic, drift, now);
  const finding = {
    image: '',
    resource: 'subscription' as const,
    // The topic's name: the announcement's subject stays under SNS's 100 characters.
    name: arn.split(':').pop() ?? arn,
    found: describeSubscriptionDrift(drift),
    expected: `the ${mine.length} subscription(s) the stacks make`,
  };
  logger.warn("a topic's subscriptions differ from what the stacks made; putting them back", finding);
  await recordDrift({ ...finding, sk, action: 'put back as the stacks made them', foundAt: at });
  await putBack(arn, drift);
  const heldAfter = await readTopic(emptyPart(), arn, mine);
  const after = subscriptionDrift(heldAfter, mine);
  // An email subscribed again waits for its owner's confirmation: listed, and as made once confirmed.
  const repaired = !hasSubscriptionDrift({ ...after, extra: after.extra.filter(confirmed) });
  if (repaired) await markDriftRepaired('', sk, at, 'subscriptions as the stacks made them');
  const pending = after.extra.filter((s: HeldSubscription) => !confirmed(s)).length;
  const action = repaired
    ? `put back as the stacks made them, confirmed${pending > 0 ? ` (${pending} unconfirmed subscription(s) left: they receive nothing)` : ''}`
    : `put back; SNS still shows ${describeSubscriptionDrift(after)}: a person must look`;
  const told = toldApprovers(arn, drift, heldAfter);
  // An approver who must confirm again is a person's act still to come: announced critical until then.
  const full = { ...finding, action: action + told, repaired: repaired && told === '' };
  part.findings.push(full);
  await announceFinding(full, sk, at);
  return heldAfter;
}

/**
 * The audit of the topics' subscriptions (daily, within minutes of a Subscribe, Unsubscribe or
 * SetSubscriptionAttributes that CloudTrail reports, and when the hourly look below finds a topic changed): each topic's subscriptions listed and compared with those the
 * stacks make from the catalog (core/audit/subscriptions.ts). A subscription nobody made is removed, one removed is
 * made again (an email address is asked to confirm it again), a filter changed is put back; each recorded
 * (`DRIFT#subscription#…`), read back, marked repaired once SNS holds the stacks' subscriptions, and announced
 * (critical while not put right: the approval links read by someone else, or the team's alerts silenced). One topic's
 * failure stops no other. An approver whose approval-links subscription was gone is named, with what they must do to
 * receive their links again; a subscription still awaiting its owner's confirmation is named once a day until
 * confirmed (./subscriptions-awaiting.ts). `only`: the topics to audit (all by default).
 */
export async function auditSubscriptions(now: Date, only?: ReadonlySet<SubscribedTopic>): Promise<AuditPart> {
  const part = emptyPart();
  const wanted = wantedSubscriptions(bundledCatalog().notifications, process.env);
  for (const { topic, arn } of topics()) {
    if (only && !only.has(topic)) continue;
    part.checked++;
    const mine = wanted.filter((w) => w.topic === topic);
    try {
      const held = await readTopic(part, arn, mine);
      const drift = subscriptionDrift(held, mine);
      const after = hasSubscriptionDrift(drift) ? await repair(part, topic, arn, mine, drift, now) : held;
      const resubscribed = new Set(drift.missing.map(subscriptionKey));
      await remindAwaitingConfirmation(part, topic, arn, mine, after, resubscribed, now);
    } catch (error) {
      failed(part, `subscriptions of ${arn}: ${messageOf(error)}`, error);
    }
  }
  return part;
}

/**
 * The topics' subscriptions for the hourly look: one page of the account's subscriptions when it holds them all
 * (fewer than a page), else each topic's own listing; a failed account listing falls back to the topics' listings too.
 */
async function glanceListing(part: AuditPart, arns: readonly string[]) {
  part.reads++;
  try {
    return await subscriptionsOfTopicsAtOnce(arns);
  } catch (error) {
    logger.warn("the account's subscriptions could not be listed; listing each topic instead", {
      error: messageOf(error),
    });
    return undefined;
  }
}

/**
 * The hourly look at the topics' subscriptions, the backstop of a change CloudTrail never reports (an email's
 * unsubscribe link calls Unsubscribe unauthenticated, which CloudTrail does not log:
 * https://docs.aws.amazon.com/sns/latest/dg/sns-logging-using-cloudtrail.html): the topics' subscriptions listed (one
 * ListSubscriptions while the account holds fewer than 100 subscriptions in the Region, else ListSubscriptionsByTopic
 * per topic, one call per 100 subscriptions); a topic where one was added or removed goes to the full audit above. A
 * changed filter policy is left to the daily audit and the CloudTrail-triggered runs.
 */
export async function glanceAtSubscriptions(now: Date): Promise<AuditPart> {
  const part = emptyPart();
  const wanted = wantedSubscriptions(bundledCatalog().notifications, process.env);
  const changed = new Set<SubscribedTopic>();
  const all = topics();
  const atOnce =
    all.length > 0
      ? await glanceListing(
          part,
          all.map((t) => t.arn),
        )
      : undefined;
  for (const { topic, arn } of all) {
    part.checked++;
    try {
      const mine = wanted.filter((w) => w.topic === topic);
      const listed = atOnce?.get(arn);
      if (!listed) part.reads++;
      const held = listed ?? (await listTopicSubscriptions(arn));
      if (listingDiffers(subscriptionDrift(held, mine))) changed.add(topic);
    } catch (error) {
      failed(part, `subscriptions of ${arn}: ${messageOf(error)}`, error);
    }
  }
  if (changed.size === 0) return part;
  const full = await auditSubscriptions(now, changed);
  return {
    checked: part.checked,
    reads: part.reads + full.reads,
    findings: full.findings,
    failures: [...part.failures, ...full.failures],
    permanentFailures: part.permanentFailures + full.permanentFailures,
  };
}
