import type { Notification } from '../../events/notification.js';

/**
 * Where announcement delivery problems are reported: the Lambda middleware (functions/lib) counts them as metrics
 * and logs them; aws/ cannot import it (imports run one way), so it registers here. Its own module, free of SDK
 * imports, so registering does not put the SNS client into every bundle.
 */
export const notificationHooks: {
  onFailed: (n: Notification, error: unknown, queued: boolean) => void;
  onRedelivered: (n: Notification) => void;
  /** An announcement made before (a re-delivered event, a retried step): not published again. */
  onDuplicate: (n: Notification) => void;
} = { onFailed: () => undefined, onRedelivered: () => undefined, onDuplicate: () => undefined };
