import type { Catalog } from '../../core/config/schema.js';
import { SimulatedApprovers } from './approvals.js';
import { startLocalCloud } from './cloud.js';
import type { LocalCloud } from './cloud-types.js';
import { runAction, scheduleTriggers } from './driver.js';
import { SimulatedFleets } from './fleets.js';
import { reportCve } from './lifecycle-requests.js';
import { actingCommandText, LocalOperatorEndpoint, type OperatorExchange, scenarioOperator } from './operator.js';
import type { Scenario, ScenarioEvent } from './scenario.js';
import { putAsSender, type RawPut } from './senders.js';

/** One build's status change, as the timeline lists it. */
export interface StatusLine {
  at: string;
  image: string;
  version: string;
  status: string;
  reason?: string;
  scripted?: string;
}

/**
 * A note of the run; `timelineOnly`: a line of the timeline that is no note (an acting command's request, answered);
 * `request`: the line tells an operator's request, the cause of what it did at its instant (in its channel, if any).
 */
export interface RunNote {
  at: string;
  text: string;
  timelineOnly?: true;
  request?: { channel?: string };
}

/**
 * A simulation's live objects: the cloud, the simulated people and fleets, the operator endpoint, and what the run
 * records for its report (build statuses, notes). Started fresh (`startRun` then `armScenario`) or opened from a
 * saved cloud (saved-cloud.ts `openCloud`, which loads all of it in place).
 */
export interface LiveRun {
  readonly cloud: LocalCloud;
  readonly scenario: Scenario;
  readonly approvers: SimulatedApprovers;
  readonly fleets: SimulatedFleets;
  readonly operatorEndpoint: LocalOperatorEndpoint;
  readonly statusTimes: Map<string, { status: string; at: string }>;
  readonly statusLog: StatusLine[];
  readonly notes: RunNote[];
  /** Scheduled runs of the stacks' schedules put on the clock, over the whole run (the cost figures count them). */
  readonly schedules: { fired: number };
  /** Up to when (exclusive) the scenario's schedule runs and fleet checks are on the clock. */
  armedUntil: number;
  /** The scenario's `operator` events and acting commands: sent as the scenario's operator unless one is named. */
  operator(request: Record<string, unknown>, principal: string | undefined, id?: string): Promise<OperatorExchange>;
  /** A scenario event's action, now. */
  act(event: ScenarioEvent): unknown;
}

/** Builds the cloud and the run's live objects; puts nothing of the scenario on the clock yet (`armScenario`). */
export async function startRun(
  catalog: Catalog,
  scenario: Scenario,
  root: string,
  onBuildEvent: () => void,
): Promise<LiveRun> {
  const cloud = await startLocalCloud(catalog, scenario, root);
  refuseUnknownFunctions(cloud, scenario);
  const statusTimes = new Map<string, { status: string; at: string }>();
  const statusLog: StatusLine[] = [];
  // Failures the scenario asks for (`build-fails`): marked in the timeline as part of the scenario.
  const scriptedFailures = new Set(
    scenario.events.flatMap((e) =>
      'kind' in e.action && e.action.kind === 'build-fails' ? [`${e.action.image}|${e.action.reason}`] : [],
    ),
  );
  cloud.installed.fakes.imagebuilder.onEvent((event) => {
    const arn = event.resources[0] ?? '';
    const state = (event.detail as { state?: { status?: string; reason?: string } }).state ?? {};
    if (state.status) {
      statusTimes.set(arn, { status: state.status, at: event.time });
      const image = cloud.installed.fakes.imagebuilder.builds.get(arn)?.pipeline.image ?? arn;
      statusLog.push({
        at: event.time,
        image,
        version: arn.split('/').slice(-2).join('/'),
        status: state.status,
        ...(state.reason ? { reason: state.reason } : {}),
        ...(state.status === 'FAILED' && scriptedFailures.has(`${image}|${state.reason}`)
          ? { scripted: "the scenario's build-fails event" }
          : {}),
      });
    }
    onBuildEvent();
    return cloud.bus.put(event, 'default');
  });

  const notes: RunNote[] = [];
  const operatorEndpoint = new LocalOperatorEndpoint(cloud);
  // A scenario's own request (no id: not an acting command, whose caller reads the answer) that is refused becomes a
  // note in the timeline: nothing the scenario asked for is dropped silently.
  const operator = async (request: Record<string, unknown>, principal: string | undefined, id?: string) => {
    const exchange = await operatorEndpoint.send(request, principal ?? scenarioOperator(cloud, catalog), id);
    if (!exchange.response.ok && id === undefined) {
      notes.push({
        at: exchange.at,
        text: `${String(request.action)} refused (${exchange.status}): ${exchange.response.error}`,
      });
    } else if (id !== undefined) {
      // An acting command's request (journaled on a saved cloud): the timeline says who decided what and how the
      // endpoint answered, as it does for an approval link's answer.
      const channel = typeof request.channel === 'string' ? { channel: request.channel } : {};
      const text = actingCommandText(request, exchange);
      notes.push({ at: exchange.at, text, timelineOnly: true, request: channel });
    }
    return exchange;
  };
  const handlers = {
    put: (put: RawPut) => putAsSender(cloud, put),
    approve: (action: Parameters<SimulatedApprovers['decide']>[0], filter: ScenarioEvent['filter']) =>
      approvers.decide(action, filter),
    letExpire: (filter: ScenarioEvent['filter']) => approvers.letExpire(filter),
    operator,
    cve: (action: Parameters<typeof reportCve>[1]) => {
      const pending = reportCve(cloud, action).then((refused) => {
        if (refused) notes.push({ at: cloud.clock.iso(), text: refused });
      });
      cloud.clock.track(pending, `scenario cve ${action.image}`);
    },
  };
  const act = (event: ScenarioEvent) => runAction(cloud, event, handlers);
  const approvers = new SimulatedApprovers(cloud, scenario, act);
  const fleets = new SimulatedFleets(cloud, scenario);
  return {
    cloud,
    scenario,
    approvers,
    fleets,
    operatorEndpoint,
    statusTimes,
    statusLog,
    notes,
    schedules: { fired: 0 },
    armedUntil: Date.parse(scenario.start),
    operator,
    act,
  };
}

/** A `handler-fails` naming no function of the stacks is refused before the run, naming the ones there are. */
function refuseUnknownFunctions(cloud: LocalCloud, scenario: Scenario): void {
  const names = cloud.invoker.functionNames();
  const problems = scenario.events.flatMap((e, i) =>
    'kind' in e.action && e.action.kind === 'handler-fails' && !names.includes(e.action.function)
      ? [`scenario.events.${i}.function: no function "${e.action.function}" (the stacks have ${names.join(', ')})`]
      : [],
  );
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

/** A fresh run's scenario on the clock: the schedules' runs, the fleets' checks and alarms, the timed events. */
export function armScenario(run: LiveRun): void {
  const { cloud, scenario } = run;
  run.schedules.fired = scheduleTriggers(cloud, scenario);
  run.armedUntil = Date.parse(scenario.until);
  run.fleets.start();
  for (const [index, event] of scenario.events.entries()) {
    if ('at' in event.timing) armScenarioEvent(run, index, Date.parse(event.timing.at));
  }
}

/** The scenario's timed event `index` at `at` (also a saved cloud's pending one, armed again). */
export function armScenarioEvent(run: LiveRun, index: number, at: number): void {
  const event = run.scenario.events[index];
  if (!event) throw new Error(`the scenario has no event ${index}`);
  const label = 'event' in event.action ? 'raw event' : event.action.kind;
  run.cloud.clock.schedule(at, `scenario ${label}`, () => run.act(event), { kind: 'scenario event', data: index });
}
