import type { LocalCloud } from './cloud.js';
import type { LocalOperatorEndpoint, OperatorExchange } from './operator.js';
import { type CloudSnapshot, snapshotOf } from './snapshot.js';

/** How long an acting command's run goes on after the endpoint answered (virtual time). */
export const CONSEQUENCES_MS = 60_000;

/**
 * A local cloud kept running where a simulation stopped, so operator requests can be sent to it one after another
 * without replaying the run each time (`goldsmith serve`). Each request is sent exactly as a scenario `operator`
 * event journaled at the cloud's current instant would be, and the cloud then runs until the request and what it
 * set going are done, as an acting command's replay does.
 */
export interface LocalSession {
  act(
    request: Record<string, unknown>,
    principal: string,
    id: string,
  ): Promise<{ exchange: OperatorExchange | undefined; snapshot: CloudSnapshot; operator: OperatorExchange[] }>;
  /** The cloud's current instant (ISO). */
  now(): string;
  /** The running cloud itself (its fakes, clock and store), for what saves and restores it. */
  readonly cloud: LocalCloud;
  stop(): Promise<void>;
}

export function localSession(
  cloud: LocalCloud,
  endpoint: LocalOperatorEndpoint,
  send: (request: Record<string, unknown>, principal: string, id: string) => Promise<unknown>,
): LocalSession {
  return {
    async act(request, principal, id) {
      const at = cloud.clock.now();
      cloud.clock.schedule(at, 'scenario operator', () => send(request, principal, id));
      await cloud.clock.run(at);
      await cloud.clock.settle();
      await cloud.clock.runUntilSettled(endpoint.answered());
      await cloud.clock.run(cloud.clock.now() + CONSEQUENCES_MS);
      return {
        exchange: endpoint.exchanges.find((e) => e.id === id),
        snapshot: await snapshotOf(cloud),
        operator: endpoint.exchanges,
      };
    },
    now: () => cloud.clock.iso(),
    cloud,
    stop: () => cloud.stop(),
  };
}
