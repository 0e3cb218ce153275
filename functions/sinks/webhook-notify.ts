import { postWebhook, webhookEndpoints } from '../../aws/notifications/webhook.js';
import { sinkHandler } from './handler.js';
import { httpSinkDelivery } from './http-sink.js';
import { bound } from './relay.js';

/**
 * The signed webhooks' function, subscribed to the notifications topic: each announcement POSTed as signed JSON
 * (core/notifications/webhook.ts) to every endpoint of `WEBHOOKS`, each endpoint with a backlog of its own in the
 * ledger (`WEBHOOK#<name>`), so one endpoint that is down holds up only its own posts; retried with backoff within a
 * call, then by every later delivery and by its schedule (`{ "webhooks": "redeliver" }`).
 */
export const handler = sinkHandler('webhook-notify', 'webhooks', () =>
  webhookEndpoints().map((endpoint) =>
    bound(
      httpSinkDelivery(`WEBHOOK#${endpoint.name}`, 'Webhook', (n, id) =>
        postWebhook(endpoint, n, `${endpoint.name}:${id}`),
      ),
    ),
  ),
);
