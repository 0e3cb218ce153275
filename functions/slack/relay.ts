import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { postSlackMessage, SlackApiError, updateSlackMessage } from '../../aws/notifications/slack.js';
import {
  deliveredSlackPost,
  parkSlackPost,
  postponeSlackPost,
  slackBacklogWaiting,
  takeSlackPost,
  type WaitingSlackPost,
  waitingSlackPosts,
} from '../../aws/notifications/slack-backlog.js';
import {
  claimSlackPost,
  recordSlackApproval,
  recordSlackPost,
  recordSlackThread,
  slackApprovalOf,
  slackPostOf,
  slackThreadOf,
} from '../../aws/notifications/slack-ledger.js';
import { postKeyOf } from '../../core/notifications/post-key.js';
import { renderDecidedApproval, renderSlack } from '../../core/notifications/slack.js';
import type { Notification } from '../../events/notification.js';
import { logger, metrics } from '../lib/powertools.js';
import { type Vetted, vetApproval } from './approvals.js';

/** What the relay did with one announcement. */
export type SlackAction = 'posted' | 'duplicate' | 'deferred' | 'refused';

// Thread replies people should also see in the channel itself.
const broadcast = (n: Notification) => n.severity !== 'info' || n.event === 'approval-requested';

/**
 * When a refused post may be tried again: after Slack's Retry-After when it sent one (a 429), else at the Slack
 * function's next run (the next announcement, or the three-hourly schedule): one call per run is no burden on Slack.
 */
export function nextAttemptAt(now: Date, error: unknown): Date {
  const asked = error instanceof SlackApiError ? (error.retryAfterSeconds ?? 0) : 0;
  return new Date(now.getTime() + asked * 1000);
}

const reasonOf = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * Posts one announcement: in its image version's thread (the first message about a version starts it), with
 * Approve/Reject buttons for an approval request the ledger holds undecided; a decision the ledger records also
 * updates the request's message in place, so its buttons are gone. Approvals are rendered from the ledger only
 * (functions/slack/approvals.ts); one the ledger contradicts is not posted. Where the post is recorded first, a
 * retry (`resume`) finishes what followed without posting the message twice.
 */
async function deliver(
  n: Notification,
  channel: string,
  now: Date,
  options: { resume: boolean; deferredSince?: string; attempts?: number; vetted?: Vetted },
): Promise<void> {
  // Vetted a moment ago by the relay (a first delivery), else now (a post that waited: the ledger may have moved).
  const vetted = options.vetted ?? (await vetApproval(n, now));
  if (!vetted.ok) {
    refused(n, vetted.reason);
    return;
  }
  const key = postKeyOf(n);
  const done = options.resume ? await slackPostOf(key) : undefined;
  if (!done) {
    const thread = n.image && n.version ? await slackThreadOf(n.image, n.version) : undefined;
    const message = renderSlack(vetted.render);
    // A request decided before it could be posted (it waited in the backlog) is posted as decided: no buttons.
    if (vetted.request && vetted.decided) message.blocks = renderDecidedApproval(vetted.request, vetted.decided).blocks;
    const posted = await postSlackMessage({
      channel: thread?.channel ?? channel,
      ...message,
      threadTs: thread?.ts,
      broadcast: broadcast(n),
    });
    await recordSlackPost(key, posted, {
      event: n.event,
      threadTs: thread?.ts,
      at: now.toISOString(),
      deferredSince: options.deferredSince,
      attempts: options.attempts,
    });
    if (!thread && n.image && n.version) await recordSlackThread(n.image, n.version, posted);
    if (vetted.request) await recordSlackApproval(vetted.request.detail.approvalId, posted, vetted.request);
    metrics.addMetric('SlackMessagesPosted', MetricUnit.Count, 1);
  }
  if (vetted.decided && !vetted.request && vetted.decided.detail.approvalId) {
    const request = await slackApprovalOf(vetted.decided.detail.approvalId);
    if (request?.request.event === 'approval-requested') {
      await updateSlackMessage({
        channel: request.channel,
        ts: request.ts,
        ...renderDecidedApproval(request.request, vetted.decided),
      });
      metrics.addMetric('SlackMessagesUpdated', MetricUnit.Count, 1);
    }
  }
}

/** Notes an announcement the ledger contradicts: never posted (metric `SlackPostsRefused`). */
function refused(n: Notification, reason: string): void {
  metrics.addMetric('SlackPostsRefused', MetricUnit.Count, 1);
  logger.error('announcement not posted to Slack: the ledger contradicts it', { id: n.id, event: n.event, reason });
}

/**
 * Delivers what waits for Slack, oldest announcement first, until the backlog is empty, the next post is not due
 * yet (Retry-After), another delivery holds it, Slack refuses again, or `deadline` nears. Stopping at the first
 * that cannot go keeps each thread in order.
 * @returns how many were delivered and how many still wait.
 */
export async function drainSlackBacklog(
  channel: string,
  now: () => Date,
  deadline: number,
): Promise<{ delivered: number; waiting: number }> {
  let delivered = 0;
  let waiting = 0;
  let blocked = false;
  for await (const post of waitingSlackPosts()) {
    if (blocked || Date.now() > deadline || Date.parse(post.notBefore) > now().getTime()) {
      blocked = true;
      waiting++;
      continue;
    }
    if (!(await takeSlackPost(post.sk, now()))) {
      blocked = true;
      waiting++;
      continue;
    }
    if (await attempt(post, channel, now())) delivered++;
    else {
      blocked = true;
      waiting++;
    }
  }
  return { delivered, waiting };
}

async function attempt(post: WaitingSlackPost, channel: string, now: Date): Promise<boolean> {
  try {
    await deliver(post.notification, channel, now, {
      resume: true,
      deferredSince: post.parkedAt,
      attempts: post.attempts + 1,
    });
  } catch (error) {
    await postponeSlackPost(post.sk, {
      notBefore: nextAttemptAt(now, error),
      reason: reasonOf(error),
    });
    metrics.addMetric('SlackPostsFailed', MetricUnit.Count, 1);
    logger.warn('Slack refused a waiting post again; it stays in the backlog', {
      id: post.notification.id,
      attempts: post.attempts + 1,
      error,
    });
    return false;
  }
  await deliveredSlackPost(post.sk);
  metrics.addMetric('SlackPostsRedelivered', MetricUnit.Count, 1);
  return true;
}

/**
 * Relays one announcement to Slack, once (the `MSG#` claim, by id and content: core/notifications/post-key.ts), never
 * losing it: when Slack refuses it — an outage,
 * a 429 storm whose Retry-After is longer than a call may wait, a bad token — or when earlier posts still wait,
 * it is parked in the backlog (counted as `SlackPostsDeferred`) instead of failing, so nothing depends on Slack
 * answering now: not the promotion that announced it (long past: SNS delivers asynchronously), not Lambda's retries.
 */
export async function relayToSlack(n: Notification, channel: string, now: Date): Promise<SlackAction> {
  // Checked before the claim, so a refused message claims nothing a real one would need.
  const vetted = await vetApproval(n, now);
  if (!vetted.ok) {
    refused(n, vetted.reason);
    return 'refused';
  }
  if (!(await claimSlackPost(postKeyOf(n), now))) return 'duplicate';
  let refusal: unknown = 'earlier posts are still waiting for Slack';
  if (!(await slackBacklogWaiting())) {
    try {
      await deliver(n, channel, now, { resume: false, vetted });
      return 'posted';
    } catch (error) {
      refusal = error;
    }
  }
  await parkSlackPost(n, { now, notBefore: nextAttemptAt(now, refusal), reason: reasonOf(refusal) });
  metrics.addMetric('SlackPostsDeferred', MetricUnit.Count, 1);
  logger.warn('Slack post parked for a later attempt', { id: n.id, event: n.event, reason: reasonOf(refusal) });
  return 'deferred';
}
