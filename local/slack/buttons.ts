import { slackSignature } from '../../core/promotion/slack-request.js';
import type { StoredSlackMessage } from './types.js';

/** Which button of which approval `SlackStandIn.pressButton` presses, and as whom. */
export interface ButtonPress {
  approvalId: string;
  action: 'approve' | 'reject';
  userId: string;
  tamper?: boolean | undefined;
}

/** A request as Slack would send it to the app's interactivity URL. */
export interface SignedSlackRequest {
  body: string;
  headers: Record<string, string>;
}

/** The message carrying the buttons of approval `approvalId`, while they are still there. */
export function approvalMessage(messages: StoredSlackMessage[], approvalId: string): StoredSlackMessage | undefined {
  return messages.find((m) =>
    m.blocks.some(
      (b) => typeof b === 'object' && b !== null && (b as { block_id?: string }).block_id === `approval:${approvalId}`,
    ),
  );
}

/**
 * Builds the request Slack sends when `userId` presses Approve or Reject on an approval message: a form-encoded
 * `block_actions` payload, timestamped now and signed with the signing secret (or a wrong one when `tamper`).
 * @returns undefined when the message has no such button (never posted, or already updated without buttons).
 */
export function buttonPressRequest(
  message: StoredSlackMessage | undefined,
  input: ButtonPress,
  stand: { url: string; signingSecret: string; now: () => number; nextTs: () => string },
): SignedSlackRequest | undefined {
  const actions = message?.blocks.find(
    (b): b is { elements: { action_id: string; value: string }[] } =>
      typeof b === 'object' && b !== null && (b as { block_id?: string }).block_id === `approval:${input.approvalId}`,
  );
  const button = actions?.elements.find((e) => e.action_id === `goldsmith_${input.action}`);
  if (!message || !button) return undefined;
  const payload = {
    type: 'block_actions',
    user: { id: input.userId, username: input.userId.toLowerCase(), team_id: 'T00000001' },
    api_app_id: 'A00000001',
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    channel: { id: message.channel },
    actions: [{ type: 'button', action_id: button.action_id, value: button.value, action_ts: `${stand.nextTs()}` }],
    response_url: `${stand.url}response/${message.ts}`,
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = String(Math.floor(stand.now() / 1000));
  const secret = input.tamper ? `${stand.signingSecret}-tampered` : stand.signingSecret;
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(secret, timestamp, body),
    },
  };
}
