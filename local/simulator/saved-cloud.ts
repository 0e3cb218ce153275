import { GOLDSMITH_VERSION } from '../../core/release/index.js';
import { type HeldModelChecks, heldModelChecks, holdModelChecks } from '../models/request-check.js';
import { loadContainer, type SavedContainer, saveContainer } from '../snapshot/container-state.js';
import { deploymentOf, type SavedDeployment } from '../snapshot/deployment.js';
import { exportFakes, importFakes } from '../snapshot/fakes-state.js';
import { runMigrations } from '../snapshot/migrations.js';
import { exportState, importState, type PlainState } from '../snapshot/plain-state.js';
import { type StreamPositions, seekStreams, streamPositions } from '../snapshot/streams.js';
import { type RunTallies, rewindTallies } from '../snapshot/tallies.js';
import {
  deployOver,
  freshDeployment,
  refuseBreakingRunning,
  type UpgradeFigures,
  type UpgradeFrom,
} from '../snapshot/upgrade.js';
import type { SavedStepFunctions } from '../stepfunctions/engine.js';
import { armSchedule, scheduleTriggers } from './driver.js';
import type { Attempt } from './invoke.js';
import { armAutoDeployment, armQueuedCreate, armStackCleanup, armStackDeletion } from './member-baseline.js';
import type { OperatorExchange } from './operator.js';
import { armScenarioEvent, type LiveRun } from './run.js';

/**
 * A local cloud written down at a quiescent instant, whole: every fake, the DynamoDB store, the random streams, what
 * the functions' warm container holds from AWS (container-state.ts), Step Functions, the clock's instant and pending
 * items (each as a kind and plain data, armed again by its owner), and the run's own progress (the simulated
 * approvers and fleets, the operator endpoint's exchanges, the invoker's tallies, the report's records). Opening it in a fresh cloud of the same catalog and scenario replays nothing and
 * goes on exactly as the saved cloud would have.
 */
export interface SavedCloud {
  at: string;
  /** The instant up to which (exclusive) the scenario's schedule runs and fleet checks are on the clock. */
  armedUntil: string;
  fakes: PlainState;
  dynamo: [string, string][];
  streams: StreamPositions;
  /** What the Lambda container's caches hold (a warm container's answers from AWS). */
  container: SavedContainer;
  stepFunctions: SavedStepFunctions;
  pending: PendingRemake[];
  invoker: PlainState;
  approvers: PlainState;
  fleets: PlainState;
  records: PlainState;
  exchanges: OperatorExchange[];
  /**
   * The requests and responses checked against AWS's models so far (the DynamoDB tally is among the fakes): an
   * opened cloud counts on from them, so its report's `apiModel` covers the whole run. Absent in a save written
   * before it was carried: that run's report counts from the open.
   */
  apiModel?: HeldModelChecks;
  /** What the cloud was deployed with (its release, templates and code): what an upgrade deploys over. Absent in a
   * save of 0.2.0 (its `deployment.json` beside it says it: deployment.ts). */
  deployment?: SavedDeployment;
}

/** A pending clock item as data: when, its label, and what re-creates it. */
export interface PendingRemake {
  at: number;
  label: string;
  kind: string;
  data?: unknown;
}

/** A save that cannot be a snapshot: why, in one line (naming what it held). */
export interface Unsavable {
  reason: string;
}

/** Clock items Step Functions arms and re-arms itself when it loads (local/stepfunctions). */
const ENGINE_PREFIX = 'states ';

/**
 * Writes `run`'s cloud down at the instant it stands at (quiescent: after a `clock.run` that stopped before what is
 * due at that instant, so a request journaled there goes first, as in a replay), or says why it cannot. With
 * `stopped`, the request tallies taken where the run stopped, before its report read the ledger (tallies.ts), are the
 * ones saved.
 */
export async function saveCloud(run: LiveRun, stopped?: RunTallies): Promise<SavedCloud | Unsavable> {
  const { cloud } = run;
  if (stopped) rewindTallies(cloud, stopped);
  const pending: PendingRemake[] = [];
  for (const item of cloud.clock.pendingItems()) {
    if (item.label.startsWith(ENGINE_PREFIX)) continue;
    if (!item.remake || !REARM[item.remake.kind])
      return { reason: `the save held "${item.label}", which a snapshot cannot hold yet` };
    pending.push({ at: item.at, label: item.label, kind: item.remake.kind, data: item.remake.data });
  }
  let stepFunctions: SavedStepFunctions;
  try {
    stepFunctions = cloud.sfn.saveState();
  } catch (error) {
    return { reason: `the save held "${(error as Error).message}", which a snapshot cannot hold yet` };
  }
  return {
    at: cloud.clock.iso(),
    armedUntil: new Date(run.armedUntil).toISOString(),
    fakes: exportFakes(cloud),
    dynamo: await cloud.dynamo.dump(),
    streams: streamPositions(cloud),
    container: saveContainer(),
    stepFunctions,
    pending,
    invoker: cloud.invoker.saveState(),
    approvers: run.approvers.saveState(),
    fleets: run.fleets.saveState(),
    records: exportState(records(run)),
    exchanges: run.operatorEndpoint.exchanges,
    apiModel: heldModelChecks(),
    deployment: deploymentOf(cloud, GOLDSMITH_VERSION, cloud.catalog),
  };
}

const records = (run: LiveRun) => ({
  statusTimes: run.statusTimes,
  statusLog: run.statusLog,
  notes: run.notes,
  schedules: run.schedules,
});

/**
 * Loads `saved` into `run`, a fresh run of the same catalog and scenario that has run nothing: the clock moves to the
 * saved instant (dropping what the fresh start put on it), every part takes its saved state in place, the pending
 * items are armed again in their order, and the scenario's schedule runs and fleet checks from the saved horizon up
 * to the scenario's `until` go on the clock, aligned as a straight run's.
 */
export async function openCloud(
  run: LiveRun,
  saved: SavedCloud,
  upgrade?: UpgradeFrom,
): Promise<UpgradeFigures | undefined> {
  const { cloud } = run;
  await cloud.clock.settle();
  cloud.clock.moveTo(saved.at);
  // Refused before anything is opened: a running execution would call a function this deployment removes.
  if (upgrade) refuseBreakingRunning(saved.stepFunctions, upgrade.previous, new Set(cloud.wiring.functions.keys()));
  const fresh = upgrade && freshDeployment(cloud);
  importFakes(cloud, saved.fakes, { keepNewFields: upgrade !== undefined });
  // An upgrade deploys the new templates over what was saved (upgrade.ts), before anything runs on.
  const deployed = upgrade && fresh && (await deployOver(cloud, fresh, upgrade, run.scenario.seed));
  await cloud.dynamo.load(saved.dynamo);
  seekStreams(cloud, saved.streams);
  await loadContainer(saved.container);
  cloud.invoker.loadState(saved.invoker);
  run.approvers.loadState(saved.approvers);
  run.fleets.loadState(saved.fleets);
  importState(records(run), saved.records);
  run.operatorEndpoint.restore(saved.exchanges);
  cloud.scheduler.dropTimers();
  cloud.cloudwatch.dropTimers();
  // The schedule runs and fleet checks past the saved horizon first: a straight run put them on the clock at its
  // start, ahead of everything else due at the same instant.
  run.armedUntil = Date.parse(saved.armedUntil);
  armUntil(run, Date.parse(run.scenario.until));
  for (const item of saved.pending) rearm(run, item);
  // With the reconciler's environment as the upgraded stacks set it: the function that walks the ledger when deployed.
  const walker = [...cloud.wiring.functions.values()].find((f) => f.handler === 'functions/reconcile.handler');
  const migrations = upgrade
    ? await runMigrations({
        ...upgrade,
        tables: cloud.wiring.tables.map((t) => t.name),
        ...(walker ? { environment: walker.environment } : {}),
      })
    : [];
  // A running execution keeps the definition it started on: its save's, or the deployment it was saved under's.
  const earlier = new Map(Object.entries(upgrade?.previous.stateMachines ?? {}));
  const executions = await cloud.sfn.loadState(saved.stepFunctions, earlier);
  // Last: what the fresh cloud's start checked, the saved one had checked too, and opening sends no request.
  if (saved.apiModel) holdModelChecks(saved.apiModel);
  return deployed && { ...deployed, executions, migrations };
}

type Rearm = (run: LiveRun, data: never, at: number, label: string) => void;

/** What re-creates each kind of pending item, through the part that owns it. */
const REARM: Record<string, Rearm> = {
  'scenario event': (run, index: number, at) => armScenarioEvent(run, index, at),
  schedule: (run, data: { name: string }, at) => armSchedule(run.cloud, data.name, at),
  'fleets check': (run, _, at) => run.fleets.armCheck(at),
  'fleets refresh': (run, data: Parameters<LiveRun['fleets']['armRefresh']>[0], at) => run.fleets.armRefresh(data, at),
  'fleet alarm': (run, data: { index: number; state: 'ALARM' | 'OK'; regions: string[] }, at) =>
    run.fleets.groups.armAlarm(data.index, data.state, data.regions, at),
  'auto scaling refreshes': (run, _, at) => run.fleets.groups.armRefreshes(at),
  'auto-approve': (run, index: number, at) => run.approvers.armAutoApprove(index, at),
  'StackSets auto-deployment': (run, _, at) =>
    armAutoDeployment(run.cloud.clock, run.cloud.installed.fakes.stackSets, at),
  'StackSets deletion': (run, data: { stackId: string }, at) =>
    armStackDeletion(run.cloud.clock, run.cloud.installed.fakes.stackSets, data.stackId, at),
  'StackSets queued create': (run, data: { account: string; region: string }, at) =>
    armQueuedCreate(run.cloud.clock, run.cloud.installed.fakes.stackSets, data.account, data.region, at),
  'StackSets update cleanup': (run, data: { stackId: string }, at) =>
    armStackCleanup(run.cloud.clock, run.cloud.installed.fakes.stackSets, data.stackId, at),
  imagebuilder: (run, data: { arn: string; step: number; failWith?: string }, at) =>
    run.cloud.installed.fakes.imagebuilder.rearm(data, at),
  invoke: (run, data: Attempt, at, label) => run.cloud.invoker.rearm(data, at, label),
  scheduler: (run, key: string, at) => run.cloud.scheduler.rearm(key, at),
  cloudwatch: (run, data: { alarm: string; timer: 'pending' | 'quiet' }, at) =>
    run.cloud.cloudwatch.rearm(data.alarm, data.timer, at),
};

/**
 * Puts the scenario's schedule runs and fleet checks from the run's horizon up to `until` (exclusive) on the clock,
 * on the straight run's grid: a run that goes on past its scenario's end (an acting command's consequences) keeps
 * the stacks' schedules and the teams' checks going as a replay with a later end would.
 */
export function armUntil(run: LiveRun, until: number): void {
  if (until <= run.armedUntil) return;
  run.schedules.fired += scheduleTriggers(run.cloud, run.scenario, run.armedUntil, until);
  run.fleets.scheduleChecks(run.armedUntil, until);
  run.armedUntil = until;
}

/** Re-creates one pending item from its kind and data. */
function rearm(run: LiveRun, item: PendingRemake): void {
  const remake = REARM[item.kind];
  if (!remake) throw new Error(`a saved clock item of an unknown kind: ${item.kind} (${item.label})`);
  remake(run, item.data as never, item.at, item.label);
}

/** True when a save is a snapshot (else it says why it is not). */
export const isSnapshot = (save: SavedCloud | Unsavable): save is SavedCloud => !('reason' in save);
