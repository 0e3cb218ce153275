import { configureSinkHttp } from './http-post.js';
import { forgetSinkSecrets } from './sink-secrets.js';
import { configureSlack } from './slack.js';

/**
 * The clients of the notification sinks that have one of their own (core/notifications/sinks.ts), by the sink's
 * catalog key: the local cloud points each at its stand-in, and forgets its settings when it stops, as the tests'
 * shared setup does after each file (test/setup-shared-cloud.ts).
 */
export const SINK_CLIENTS: Readonly<Record<string, { forget(): void }>> = {
  slack: { forget: () => configureSlack({}) },
  teams: { forget: () => configureSinkHttp('teams', {}) },
  webhooks: { forget: () => configureSinkHttp('webhooks', {}) },
};

/** Forgets every sink client's settings (a stand-in's address, its fetch and its clock) and the secrets they read. */
export function forgetSinkClients(): void {
  for (const client of Object.values(SINK_CLIENTS)) client.forget();
  forgetSinkSecrets();
}
