import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { postSlackMessage, SlackApiError, updateSlackMessage } from '../../aws/notifications/slack.js';
import {
  recordSlackApproval,
  recordSlackPost,
  recordSlackThread,
  SLACK_PK,
  slackApprovalOf,
  slackPostOf,
  slackThreadOf,
} from '../../aws/notifications/slack-ledger.js';
import { postKeyOf } from '../../core/notifications/post-key.js';
import { renderDecidedApproval, renderSlack } from '../../core/notifications/slack.js';
import type { Notification } from '../../events/notification.js';
import { metrics } from '../lib/powertools.js';
import type { DeliveryOptions, SinkAction, SinkDelivery } from '../sinks/relay.js';
import { type Shown, vetFromLedger } from '../sinks/vet.js';

/** What the relay did with one announcement. */
export type SlackAction = SinkAction;

// Thread replies people should also see in the channel itself.
const broadcast = (n: Notification) => n.severity !== 'info' || n.event === 'approval-requested';

/**
 * Posts one announcement: in its image version's thread (the first message about a version starts it), with
 * Approve/Reject buttons for an approval request the ledger holds undecided; a decision the ledger records also
 * updates the request's message in place, so its buttons are gone. Approvals are rendered from the ledger only
 * (functions/slack/approvals.ts). Where the post is recorded first, a retry (`resume`) finishes what followed
 * without posting the message twice.
 */
async function deliver(n: Notification, channel: string, now: Date, options: DeliveryOptions<Shown>): Promise<void> {
  const { vetted } = options;
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

/** Slack on the delivery path of every chat sink (functions/sinks/relay.ts), posting to `channel`. */
export function slackDelivery(channel: string): SinkDelivery<Shown> {
  return {
    pk: SLACK_PK,
    metric: 'Slack',
    vet: vetFromLedger,
    deliver: (n, now, options) => deliver(n, channel, now, options),
    retryAfterSeconds: (error) => (error instanceof SlackApiError ? error.retryAfterSeconds : undefined),
  };
}
