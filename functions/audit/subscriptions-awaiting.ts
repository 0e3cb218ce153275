import { factoryDrifts, markDriftRepaired, recordDrift } from '../../aws/audit/audit-ledger.js';
import {
  awaitingConfirmation,
  awaitingPrefix,
  awaitingSk,
  awaitingSubscriptionPrefix,
  describeAwaiting,
  type HeldSubscription,
  type SubscribedTopic,
  subscriptionKey,
  type WantedSubscription,
} from '../../core/audit/subscriptions.js';
import { type AuditPart, announceFinding } from './report.js';

/** The action of a day's record written when the run that subscribed the address again already told people. */
const TOLD_WITH_REPAIR = 'subscribed again this day: told with the repair';

/**
 * The daily reminder of the stacks' email subscriptions SNS lists as pending confirmation (core/audit/subscriptions.ts
 * `awaitingConfirmation`): an approver's, or an address of the notifications topic, subscribed again by the audit
 * after an unsubscribe link, or never confirmed. Each is recorded once a day
 * (`DRIFT#subscription#<topic>#awaiting#<id>#<date>`) and announced once a day (the record's key is the
 * announcement's), naming who receives nothing since the first such day and how to confirm, until SNS lists it
 * confirmed; then its open records are marked repaired. An approver's is critical (their signed links reach them no
 * more; approvals of their channels wait on Slack or `goldsmith approve`), an address of the notifications topic's a
 * warning (the team's other addresses and Slack still receive). A subscription `resubscribed` by this run was just
 * announced with the repair: its day is recorded, not announced again. One Query of the ledger per topic.
 */
export async function remindAwaitingConfirmation(
  part: AuditPart,
  topic: SubscribedTopic,
  topicArn: string,
  wanted: readonly WantedSubscription[],
  held: readonly HeldSubscription[],
  resubscribed: ReadonlySet<string>,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  part.reads += 1;
  const records = await factoryDrifts(awaitingPrefix(topic));
  const awaiting = awaitingConfirmation(held, wanted);
  const name = topicArn.split(':').pop() ?? topicArn;
  for (const w of awaiting) {
    const sk = awaitingSk(topic, w, now);
    const open = records
      .filter((r) => r.sk.startsWith(awaitingSubscriptionPrefix(sk)) && !r.repairedAt)
      .sort((a, b) => a.sk.localeCompare(b.sk));
    const since = (open[0]?.foundAt ?? at).slice(0, 10);
    const { found, action } = describeAwaiting(w, topicArn, since);
    const record = {
      image: '',
      resource: 'subscription' as const,
      name,
      found,
      expected: `${w.protocol} ${w.endpoint} confirmed`,
      sk,
      foundAt: at,
    };
    if (resubscribed.has(subscriptionKey(w))) {
      await recordDrift({ ...record, action: TOLD_WITH_REPAIR });
      continue;
    }
    if (open.some((r) => r.sk === sk && r.action === TOLD_WITH_REPAIR)) continue;
    await recordDrift({ ...record, action });
    const finding = { ...record, action, repaired: false };
    part.findings.push(finding);
    await announceFinding(finding, sk, at, w.approver !== undefined ? 'critical' : 'warning');
  }
  // Confirmed (or no longer wanted): its open days are closed.
  const still = new Set(awaiting.map((w) => awaitingSubscriptionPrefix(awaitingSk(topic, w, now))));
  for (const r of records)
    if (!r.repairedAt && !still.has(awaitingSubscriptionPrefix(r.sk)))
      await markDriftRepaired('', r.sk, at, 'subscription confirmed (or no longer made by the stacks)');
}
