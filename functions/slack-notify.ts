import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { MalformedEventError } from '../core/errors.js';
import { type Notification, parseNotification } from '../events/notification.js';
import { handlerFor } from './lib/middleware.js';
import { drainSlackBacklog, relayToSlack, type SlackAction } from './slack/relay.js';

export type { SlackAction };

// An SNS delivery to Lambda: the announcement is each record's `Message` (the contract's `default` body).
const snsEventSchema = z.object({
  Records: z
    .array(z.object({ Sns: z.object({ MessageId: z.string(), Message: z.string() }) }))
    .min(1, 'an SNS delivery holds at least one record'),
});

/** The schedule's input (stacks/notifications/slack.ts): deliver whatever waits for Slack. */
export const slackRedeliverInputSchema = z.strictObject({ slack: z.literal('redeliver') });

type SlackInput = { kind: 'announcements'; announcements: Notification[] } | { kind: 'redeliver' };

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

function parseSlackInput(raw: unknown): SlackInput {
  if (slackRedeliverInputSchema.safeParse(raw).success) return { kind: 'redeliver' };
  return { kind: 'announcements', announcements: announcementsOf(snsEventSchema.parse(raw)) };
}

/** Leaves ten seconds of the invocation for the writes that follow the last post. */
const deadlineOf = (context: Context | undefined) =>
  Date.now() + Math.max(0, (context?.getRemainingTimeInMillis?.() ?? 60_000) - 10_000);

/**
 * The Slack function, subscribed to the notifications topic: renders each announcement as Block Kit and posts it
 * with the Slack Web API (channel: env `SLACK_CHANNEL`), after whatever still waits for Slack. A post Slack refuses
 * waits in the ledger's backlog (functions/slack/relay.ts) rather than fail the delivery; the schedule (every three hours), and
 * every later delivery, try the backlog again, honouring Slack's Retry-After.
 */
export const handler = handlerFor({
  name: 'slack-notify',
  recordFailure: recordFailedInvocation,
  parse: parseSlackInput,
  handle: async (input: SlackInput, context: Context) => {
    const channel = process.env.SLACK_CHANNEL;
    if (!channel) throw new Error('SLACK_CHANNEL is not set');
    const now = () => new Date();
    const deadline = deadlineOf(context);
    if (input.kind === 'redeliver') return { backlog: await drainSlackBacklog(channel, now, deadline) };
    const actions: SlackAction[] = [];
    for (const n of input.announcements) actions.push(await relayToSlack(n, channel, now()));
    const backlog = actions.includes('deferred') ? await drainSlackBacklog(channel, now, deadline) : undefined;
    return { actions, ...(backlog ? { backlog } : {}) };
  },
});
