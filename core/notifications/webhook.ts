import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Notification } from '../../events/notification.js';
import { factsOf } from './facts.js';

/**
 * An announcement as a signed webhook receives it: the announcement itself (events/notification.ts, the topic's
 * contract) with the facts every sink shows (core/notifications/facts.ts), as JSON, POSTed with two headers:
 * `X-Goldsmith-Timestamp` (Unix seconds when it was sent) and `X-Goldsmith-Signature` (`v1=` and the hex
 * HMAC-SHA256, keyed with the endpoint's secret, of `<timestamp>.<body>`). A receiver recomputes the signature over
 * the raw body and rejects a timestamp more than five minutes from its clock, so a copied request cannot be replayed
 * later (docs/notifications-sinks.md has the check to paste). `X-Goldsmith-Delivery` names the post: a receiver that
 * sees it twice (a retry after a lost answer) has seen the announcement already.
 */

export const SIGNATURE_HEADER = 'x-goldsmith-signature';
export const TIMESTAMP_HEADER = 'x-goldsmith-timestamp';
export const DELIVERY_HEADER = 'x-goldsmith-delivery';
/** How far a receiver lets a request's timestamp stray from its own clock, in seconds. */
export const REPLAY_WINDOW_SECONDS = 300;
/** The shortest signing secret an endpoint may have (256 bits of hex, or more). */
export const MIN_SECRET_LENGTH = 32;

/** What the body says: the announcement as published, plus its facts as label/value pairs. */
export interface WebhookBody {
  type: 'goldsmith.announcement';
  announcement: Notification;
  facts: { label: string; value: string }[];
}

export function webhookBody(n: Notification): WebhookBody {
  return {
    type: 'goldsmith.announcement',
    announcement: n,
    facts: factsOf(n).map(([label, value]) => ({ label, value })),
  };
}

/** The signature header's value for `body` sent at `timestamp` (Unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * The receiving side's check, as docs/notifications-sinks.md gives it: the signature matches (compared in constant
 * time) and the timestamp is within the replay window of `now` (Unix seconds).
 */
export function verifyWebhook(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  now: number,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(now - timestamp) > REPLAY_WINDOW_SECONDS) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
