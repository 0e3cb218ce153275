import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { postSlackMessage, updateSlackMessage } from '../aws/slack.js';
import {
  claimSlackPost,
  recordSlackApproval,
  recordSlackPost,
  recordSlackThread,
  slackApprovalOf,
  slackThreadOf,
} from '../aws/slack-ledger.js';
import { MalformedEventError } from '../core/errors.js';
import { renderDecidedApproval, renderSlack } from '../core/notifications/slack.js';
import { type Notification, parseNotification } from '../events/notification.js';
import { handlerFor } from './lib/middleware.js';
import { logger, metrics } from './lib/powertools.js';

// An SNS delivery to Lambda: the announcement is each record's `Message` (the contract's `default` body).
const snsEventSchema = z.object({
  Records: z
    .array(z.object({ Sns: z.object({ MessageId: z.string(), Message: z.string() }) }))
    .min(1, 'an SNS delivery holds at least one record'),
});

function announcementsOf(event: z.infer<typeof snsEventSchema>): Notification[] {
  return event.Records.map((r, i) => {
    let json: unknown;
    try {
      json = JSON.parse(r.Sns.Message);
    } catch {
      throw new MalformedEventError(`Records[${i}].Sns.Message: not JSON`);
    }
    const parsed = parseNotification(json);
    if (!parsed.ok) throw new MalformedEventError(`Records[${i}].Sns.Message: ${parsed.reason}`);
    return parsed.notification;
  });
}

// Thread replies people should also see in the channel itself.
const broadcast = (n: Notification) => n.severity !== 'info' || n.event === 'approval-requested';

/** What the relay did with one announcement. */
export type SlackAction = 'posted' | 'duplicate';

/**
 * Posts one announcement to the Slack channel, once: in its image version's thread (the first message about a
 * version starts it), with Approve/Reject buttons for an approval request. A decision (approved, rejected,
 * expired) also updates the request's message in place, so its buttons are gone.
 */
export async function relayToSlack(n: Notification, channel: string, now = new Date()): Promise<SlackAction> {
  if (!(await claimSlackPost(n.id, now))) return 'duplicate';
  const message = renderSlack(n);
  const thread = n.image && n.version ? await slackThreadOf(n.image, n.version) : undefined;
  const posted = await postSlackMessage({
    channel: thread?.channel ?? channel,
    ...message,
    threadTs: thread?.ts,
    broadcast: broadcast(n),
  });
  if (!thread && n.image && n.version) await recordSlackThread(n.image, n.version, posted);
  if (n.event === 'approval-requested') await recordSlackApproval(n.detail.approvalId, posted, n);
  if ((n.event === 'approved' || n.event === 'rejected' || n.event === 'expired') && n.detail.approvalId) {
    const request = await slackApprovalOf(n.detail.approvalId);
    if (request?.request.event === 'approval-requested') {
      await updateSlackMessage({
        channel: request.channel,
        ts: request.ts,
        ...renderDecidedApproval(request.request, n),
      });
      metrics.addMetric('SlackMessagesUpdated', MetricUnit.Count, 1);
    }
  }
  await recordSlackPost(n.id, posted, { event: n.event, threadTs: thread?.ts, at: now.toISOString() });
  metrics.addMetric('SlackMessagesPosted', MetricUnit.Count, 1);
  return 'posted';
}

/**
 * The Slack function, subscribed to the notifications topic: renders each announcement as Block Kit and posts it
 * with the Slack Web API (channel: env `SLACK_CHANNEL`). A Slack failure throws, so Lambda retries the delivery
 * (then the dead-letter queue); the promotion that announced it is long past and never waits for Slack.
 */
export const handler = handlerFor({
  name: 'slack-notify',
  parse: (raw) => announcementsOf(snsEventSchema.parse(raw)),
  handle: async (announcements: Notification[]) => {
    const channel = process.env.SLACK_CHANNEL;
    if (!channel) throw new Error('SLACK_CHANNEL is not set');
    const actions: SlackAction[] = [];
    for (const n of announcements) {
      try {
        actions.push(await relayToSlack(n, channel));
      } catch (error) {
        metrics.addMetric('SlackPostsFailed', MetricUnit.Count, 1);
        logger.error('posting to Slack failed; Lambda retries the delivery', { id: n.id, event: n.event, error });
        throw error;
      }
    }
    return { actions };
  },
});
