import { SinkHttpError } from '../../aws/notifications/http-post.js';
import type { Notification } from '../../events/notification.js';
import { postOnce, type SinkDelivery } from './relay.js';
import { type Shown, vetFromLedger } from './vet.js';

/**
 * A chat sink that is one HTTPS POST per announcement (Teams, each signed webhook) on the delivery path: `send`
 * formats and posts the announcement the ledger vouches for, with the post's key (core/notifications/post-key.ts).
 */
export function httpSinkDelivery(
  pk: string,
  metric: string,
  send: (n: Notification, key: string) => Promise<Record<string, unknown>>,
): SinkDelivery<Shown> {
  return {
    pk,
    metric,
    vet: vetFromLedger,
    deliver: async (n, now, options) => {
      await postOnce(pk, n, now, options, () => send(options.vetted.render, n.id));
    },
    retryAfterSeconds: (error) => (error instanceof SinkHttpError ? error.retryAfterSeconds : undefined),
    permanent: (error) => error instanceof SinkHttpError && error.permanent,
  };
}
