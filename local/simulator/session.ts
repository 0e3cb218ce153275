import type { Catalog } from '../../core/config/schema.js';
import { resetModelChecks } from '../models/request-check.js';
import type { LocalCloud } from './cloud.js';
import type { OperatorExchange } from './operator.js';
import { type LiveRun, startRun } from './run.js';
import { armUntil, openCloud, type SavedCloud, saveCloud, type Unsavable } from './saved-cloud.js';
import type { Scenario } from './scenario.js';
import { type CloudSnapshot, snapshotOf } from './snapshot.js';

/** How long an acting command's run goes on after the endpoint answered (virtual time). */
export const CONSEQUENCES_MS = 60_000;

/**
 * A local cloud kept running where a simulation stopped (or opened from a saved one), so operator requests can be
 * sent to it one after another without replaying the run each time (`goldsmith serve`, the acting commands). Each
 * request is sent exactly as a scenario `operator` event journaled at the cloud's current instant would be, and the
 * cloud then runs until the request and what it set going are done, as an acting command's replay does.
 */
export interface LocalSession {
  act(
    request: Record<string, unknown>,
    principal: string,
    id: string,
  ): Promise<{ exchange: OperatorExchange | undefined; snapshot: CloudSnapshot; operator: OperatorExchange[] }>;
  /** The cloud written down where it stands now (or why it cannot be a snapshot). */
  save(): Promise<SavedCloud | Unsavable>;
  /** The cloud's current instant (ISO). */
  now(): string;
  /** The running cloud itself (its fakes, clock and store), for what saves and restores it. */
  readonly cloud: LocalCloud;
  /** Clock items run since the session began (opening a saved cloud runs none). */
  steps(): number;
  stop(): Promise<void>;
}

export function localSession(run: LiveRun): LocalSession {
  const { cloud, operatorEndpoint: endpoint } = run;
  let steps = 0;
  const runTo = async (at: number, before = false) => {
    steps += (await cloud.clock.run(at, undefined, { before })).steps;
  };
  return {
    async act(request, principal, id) {
      const at = cloud.clock.now();
      // Ahead of what the saved cloud left due at this instant, as a replay has them on the clock from its start: the
      // stacks' schedule runs and the teams' checks due now, then the request journaled here. Armed before the request
      // runs: an answer that takes time (a throttled call's backoff) must not push them past their instant.
      cloud.clock.ahead(() => {
        armUntil(run, at + 1);
        cloud.clock.schedule(at, 'scenario operator', () => run.operator(request, principal, id));
      });
      await runTo(at);
      await cloud.clock.settle();
      await cloud.clock.runUntilSettled(endpoint.answered());
      // Stops before what is due at the end, as a saved run does (saved-cloud.ts); the schedules and the fleets'
      // checks go on meanwhile, as in a replay that ends there.
      const end = cloud.clock.now() + CONSEQUENCES_MS;
      armUntil(run, end);
      await runTo(end, true);
      return {
        exchange: endpoint.exchanges.find((e) => e.id === id),
        snapshot: await snapshotOf(cloud),
        operator: endpoint.exchanges,
      };
    },
    save: () => saveCloud(run),
    now: () => cloud.clock.iso(),
    cloud,
    steps: () => steps,
    stop: () => cloud.stop(),
  };
}

/**
 * A session on a saved cloud opened in a fresh one (saved-cloud.ts): nothing is replayed; requests go on from the
 * saved instant as they would have on the cloud that was saved.
 */
export async function openSession(
  catalog: Catalog,
  scenario: Scenario,
  root: string,
  saved: SavedCloud,
): Promise<LocalSession> {
  resetModelChecks();
  const run = await startRun(catalog, scenario, root, () => undefined);
  try {
    await openCloud(run, saved);
  } catch (error) {
    await run.cloud.stop();
    throw error;
  }
  return localSession(run);
}
