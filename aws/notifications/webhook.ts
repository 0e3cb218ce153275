import {
  DELIVERY_HEADER,
  MIN_SECRET_LENGTH,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  webhookBody,
} from '../../core/notifications/webhook.js';
import type { Notification } from '../../events/notification.js';
import { postJson } from './http-post.js';
import { secretField } from './sink-secrets.js';

/**
 * The signed webhooks' edge: each announcement POSTed as JSON to the endpoint's URL, signed with the key its secret
 * holds (`{"signingSecret":"…"}`), a fresh timestamp and signature on every attempt (core/notifications/webhook.ts).
 */

/** One endpoint, as the catalog gives it (`notifications.webhooks[]`) and the webhook function's `WEBHOOKS` holds it. */
export interface WebhookEndpoint {
  name: string;
  url: string;
  secretName: string;
}

export const WEBHOOK_SHAPE = `{"signingSecret":"<at least ${MIN_SECRET_LENGTH} characters>"}`;

/** The endpoints the webhook function posts to (env `WEBHOOKS`, JSON, as stacks/notifications/relays.ts sets it). */
export function webhookEndpoints(): WebhookEndpoint[] {
  const raw = process.env.WEBHOOKS;
  if (!raw) throw new Error('WEBHOOKS is not set');
  return JSON.parse(raw) as WebhookEndpoint[];
}

/**
 * POSTs announcement `n` to `endpoint`, signed.
 * @throws SinkHttpError when the endpoint refuses it (`retryAfterSeconds` for a 429).
 */
export async function postWebhook(
  endpoint: WebhookEndpoint,
  n: Notification,
  delivery: string,
  now: () => number = Date.now,
): Promise<{ status: number }> {
  const secret = await secretField(
    endpoint.secretName,
    'signingSecret',
    (v) => v.length >= MIN_SECRET_LENGTH,
    WEBHOOK_SHAPE,
  );
  const body = JSON.stringify(webhookBody(n));
  const status = await postJson(
    { client: 'webhooks', label: `webhook ${endpoint.name}` },
    new URL(endpoint.url),
    body,
    () => {
      const timestamp = String(Math.floor(now() / 1000));
      return {
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signWebhook(secret, { timestamp, delivery, endpoint: endpoint.name }, body),
        [DELIVERY_HEADER]: delivery,
      };
    },
  );
  return { status };
}
