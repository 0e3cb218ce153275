import { sinkHandler } from './sinks/handler.js';
import { bound } from './sinks/relay.js';
import { type SlackAction, slackDelivery } from './slack/relay.js';

export type { SlackAction };

/**
 * The Slack function, subscribed to the notifications topic: renders each announcement as Block Kit and posts it
 * with the Slack Web API (channel: env `SLACK_CHANNEL`), after whatever still waits for Slack, on the delivery path
 * every chat sink shares (functions/sinks/handler.ts). The schedule (every three hours), and every later delivery,
 * try the backlog again, honouring Slack's Retry-After.
 */
export const handler = sinkHandler('slack-notify', 'slack', () => {
  const channel = process.env.SLACK_CHANNEL;
  if (!channel) throw new Error('SLACK_CHANNEL is not set');
  return [bound(slackDelivery(channel))];
});
