import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { APPROVE_ACTION, REJECT_ACTION } from '../notifications/slack.js';

/**
 * Slack interactivity requests (a person pressed Approve or Reject): Slack signs each request with the app's
 * signing secret: `v0=` + hex HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<raw body>`, sent as
 * `X-Slack-Signature`; requests older than five minutes are to be refused as possible replays
 * (https://api.slack.com/authentication/verifying-requests-from-slack).
 */

/** Slack's advice: refuse a request whose timestamp is more than five minutes from now. */
export const SLACK_REQUEST_MAX_AGE_SECONDS = 300;

/** The signature Slack sends for `body` at `timestamp` (seconds) with `secret`. */
export function slackSignature(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** The verdict on a request's signature. */
export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Checks an interactivity request: both headers present, the timestamp within five minutes of now (either way),
 * the signature right (constant-time compare).
 */
export function verifySlackSignature(
  request: { body: string; timestamp: string | undefined; signature: string | undefined },
  secret: string,
  nowSeconds: number,
): SignatureVerdict {
  const { body, timestamp, signature } = request;
  if (!timestamp || !signature) return { ok: false, reason: 'missing Slack signature headers' };
  const ts = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(ts)) return { ok: false, reason: 'bad Slack timestamp' };
  if (Math.abs(nowSeconds - ts) > SLACK_REQUEST_MAX_AGE_SECONDS) return { ok: false, reason: 'stale Slack request' };
  const expected = Buffer.from(slackSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'bad Slack signature' };
  }
  return { ok: true };
}

const buttonValueSchema = z.object({
  approvalId: z.string().min(1),
  image: z.string().min(1),
  version: z.string().min(1),
  channel: z.string().min(1),
});

// The fields of a `block_actions` payload we use (https://api.slack.com/reference/interaction-payloads/block-actions).
const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1) }),
  actions: z
    .array(z.object({ action_id: z.string(), value: z.string().optional() }))
    .min(1, 'must hold the pressed button'),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional() }).optional(),
});

/** A pressed approval button: who (Slack user id), what (approve or reject) and which approval. */
export interface SlackDecision {
  slackUser: string;
  decision: 'approve' | 'reject';
  approvalId: string;
  image: string;
  version: string;
  channel: string;
  /** Where the pressed message is, to record "from where". */
  slackChannel?: string | undefined;
  messageTs?: string | undefined;
}

/**
 * Reads the pressed button out of a form-encoded interactivity body (`payload=<JSON>`).
 * @returns the decision, or the reason the body is not an approval button press.
 */
export function parseSlackDecision(
  body: string,
): { ok: true; decision: SlackDecision } | { ok: false; reason: string } {
  const raw = new URLSearchParams(body).get('payload');
  if (!raw) return { ok: false, reason: 'no interactivity payload' };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'interactivity payload is not JSON' };
  }
  const payload = blockActionsSchema.safeParse(json);
  if (!payload.success) return { ok: false, reason: `not a button press: ${payload.error.issues[0]?.message}` };
  const action = payload.data.actions.find((a) => a.action_id === APPROVE_ACTION || a.action_id === REJECT_ACTION);
  if (!action?.value) return { ok: false, reason: 'not an approval button' };
  let value: unknown;
  try {
    value = JSON.parse(action.value);
  } catch {
    return { ok: false, reason: 'approval button value is not JSON' };
  }
  const parsed = buttonValueSchema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: 'approval button value is incomplete' };
  return {
    ok: true,
    decision: {
      slackUser: payload.data.user.id,
      decision: action.action_id === APPROVE_ACTION ? 'approve' : 'reject',
      ...parsed.data,
      slackChannel: payload.data.container?.channel_id,
      messageTs: payload.data.container?.message_ts,
    },
  };
}
