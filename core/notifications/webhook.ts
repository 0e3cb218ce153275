import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Notification } from '../../events/notification.js';
import { factsOf } from './facts.js';

/**
 * An announcement as a signed webhook receives it: the announcement itself (events/notification.ts, the topic's
 * contract) with the facts every sink shows (core/notifications/facts.ts), as JSON, POSTed with three headers:
 * `X-Goldsmith-Timestamp` (Unix seconds when it was sent, digits only), `X-Goldsmith-Delivery` (the post's name: a
 * receiver that sees it twice, a retry after a lost answer, has seen the announcement already) and
 * `X-Goldsmith-Signature` (`v1=` and the hex HMAC-SHA256, keyed with the endpoint's secret, of
 * `v1:<timestamp>:<delivery>:<endpoint name>:<body>`). A receiver recomputes the signature over the raw body with its
 * own endpoint name, and rejects a timestamp more than five minutes from its clock, so a copied request cannot be
 * replayed later, under another delivery id, or to another endpoint (docs/notifications-sinks.md has the check to
 * paste).
 */

export const SIGNATURE_HEADER = 'x-goldsmith-signature';
export const TIMESTAMP_HEADER = 'x-goldsmith-timestamp';
export const DELIVERY_HEADER = 'x-goldsmith-delivery';
/** How far a receiver lets a request's timestamp stray from its own clock, in seconds. */
export const REPLAY_WINDOW_SECONDS = 300;
/** The only form a timestamp header may take: Unix seconds as plain digits (no sign, no `0x`, no exponent). */
export const TIMESTAMP_PATTERN = /^\d{1,12}$/;
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

/** What a signature binds besides the body: when it was sent (Unix seconds), the post's name, the endpoint's name. */
export interface SignedFields {
  timestamp: string;
  delivery: string;
  endpoint: string;
}

/** The signature header's value for `body` with `fields`. */
export function signWebhook(secret: string, fields: SignedFields, body: string): string {
  const signed = `v1:${fields.timestamp}:${fields.delivery}:${fields.endpoint}:${body}`;
  return `v1=${createHmac('sha256', secret).update(signed).digest('hex')}`;
}

/**
 * The receiving side's check, as docs/notifications-sinks.md gives it, by the endpoint named `endpoint`: the
 * timestamp is plain digits within the replay window of `now` (Unix seconds), and the signature over it, the delivery
 * id, the endpoint's own name and the body matches (compared in constant time).
 */
export function verifyWebhook(
  secret: string,
  endpoint: string,
  headers: { signature: string | undefined; timestamp: string | undefined; delivery: string | undefined },
  body: string,
  now: number,
): boolean {
  const timestamp = headers.timestamp ?? '';
  if (!TIMESTAMP_PATTERN.test(timestamp) || Math.abs(now - Number(timestamp)) > REPLAY_WINDOW_SECONDS) return false;
  const fields = { timestamp, delivery: headers.delivery ?? '', endpoint };
  const expected = Buffer.from(signWebhook(secret, fields, body));
  const given = Buffer.from(headers.signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
