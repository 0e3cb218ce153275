import {
  canaryHasNoInstances,
  canaryMovedNothing,
  EMPTY_CANARY,
  NO_INSTANCE_CANARY,
  UNMOVED_CANARY,
  unreadCanaryGroups,
} from './canary.js';
import type { RolloutGroup, RolloutRecord, RolloutWave, ScopeFailure, WaveState } from './record.js';

/**
 * The rollout's pure planner: given the ledger's record (with its groups' refresh statuses as last read), what the
 * engine does next. Refresh statuses are Auto Scaling's
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstanceRefresh.html): Pending, InProgress, Baking,
 * Successful, Failed, Cancelling, Cancelled, RollbackInProgress, RollbackFailed, RollbackSuccessful.
 */

/** Still replacing or baking: the refresh has not ended either way. */
const ACTIVE = new Set(['Pending', 'InProgress', 'Baking']);
/** A refresh that can still be cancelled or rolled back (CancelInstanceRefresh/RollbackInstanceRefresh act on it). */
export function isActiveRefresh(status: string): boolean {
  return ACTIVE.has(status);
}
export function isSuccessfulRefresh(status: string): boolean {
  return status === 'Successful';
}
/** Failed, cancelled (by someone else), or rolling or rolled back: the wave is not healthy. */
export function isFailedRefresh(status: string): boolean {
  return !ACTIVE.has(status) && status !== 'Successful';
}

export type RolloutStep =
  /** Start the refreshes of wave `wave` (its state is `pending`). */
  | { kind: 'start-wave'; wave: number }
  /** Nothing to do now: refreshes are under way, or the rollout is paused before its next wave. */
  | { kind: 'wait'; why: 'refreshing' | 'paused' | 'rolling-back' | 'cancelling' }
  /** Every refresh of `wave` succeeded (bake included): mark it healthy, then start the next wave or complete. */
  | { kind: 'wave-healthy'; wave: number; next: 'next-wave' | 'completed' | 'paused' }
  /**
   * A refresh of `wave` failed: halt. `rollBack`: its refreshes still running, to RollbackInstanceRefresh (the failed
   * ones roll back by themselves, AutoRollback); `revert`: its refreshes already Successful, which can no longer be
   * rolled back and get a new refresh to their previous version.
   */
  | {
      kind: 'halt';
      wave: number;
      failed: RolloutGroup[];
      rollBack: RolloutGroup[];
      revert: RolloutGroup[];
      /** The accounts (or groups) that refused the engine: the wave halts once its other refreshes have ended. */
      refused: ScopeFailure[];
      /** Why, when no refresh failed: a canary with no group to refresh, or one that moved no instance. */
      reason?: typeof EMPTY_CANARY | typeof UNMOVED_CANARY | typeof NO_INSTANCE_CANARY;
    }
  /** Aborted: cancel the refreshes still running (a cancel rolls nothing back), then end. */
  | { kind: 'stop'; state: 'aborted'; cancel: RolloutGroup[] }
  /** Every refresh of the halted wave `wave` reached RollbackSuccessful: the wave is `rolled-back`, and that is the end. */
  | { kind: 'rolled-back'; wave: number }
  /** Already ended (completed, halted, or stopped with nothing left to cancel): the state machine ends. */
  | { kind: 'ended' };

/** Whether `g` is in an account (or is a group) that refused the engine in this wave: not waited on. */
export function isRefused(wave: Pick<RolloutWave, 'failures'>, g: Pick<RolloutGroup, 'account' | 'region' | 'group'>) {
  return (wave.failures ?? []).some(
    (f) => f.account === g.account && f.region === g.region && (f.group === undefined || f.group === g.group),
  );
}

/**
 * A wave's state from its groups' statuses (a wave that started no refresh and met no refusal is `skipped`). An
 * account that refused the engine fails the wave, but only once the wave's other refreshes have ended: the others
 * are not cut short by one account's missing role. The `canary` (the first wave) is healthy only once its groups'
 * instances are read and show one on the new version: refreshes that ended Successful having moved no instance
 * (all protected from scale in or in Standby, ignored) fail it (core/rollout/canary.ts).
 */
export function waveStateOf(wave: RolloutWave, canary = false): WaveState {
  if (['pending', 'skipped', 'rolled-back', 'superseded', 'aborted'].includes(wave.state)) return wave.state;
  const refused = (wave.failures ?? []).length > 0;
  // An account still throttled when the wave started is tried again (core/rollout/pending.ts), one between two member
  // baseline stack instances (moving between OUs) waited for (core/rollout/moving.ts): the wave has not ended.
  if (wave.pending?.length || wave.moving?.length) return 'refreshing';
  if (wave.groups.length === 0 && !refused) return 'skipped';
  const live = wave.groups.filter((g) => !isRefused(wave, g));
  const statuses = live.map((g) => g.status);
  if (statuses.some(isFailedRefresh)) return 'failed';
  if (statuses.every(isSuccessfulRefresh)) {
    if (refused) return 'failed';
    if (!canary) return 'healthy';
    if (unreadCanaryGroups(live).length > 0) return 'refreshing';
    return canaryMovedNothing(live) || canaryHasNoInstances(live) ? 'failed' : 'healthy';
  }
  if (statuses.every((s) => s === 'Baking' || s === 'Successful')) return 'baking';
  return 'refreshing';
}

/** What to do next for this record (a superseded one: planSupersede). */
export function planRollout(record: RolloutRecord): RolloutStep {
  const running = record.waves.flatMap((w) => w.groups).filter((g) => isActiveRefresh(g.status));
  if (record.state === 'aborted') {
    if (running.length > 0) return { kind: 'stop', state: record.state, cancel: running };
    // Followed until AWS reports each cancel done, so the record ends with `Cancelled`, not `Cancelling`.
    const cancelling = record.waves.some((w) => w.groups.some((g) => g.status === 'Cancelling'));
    return cancelling ? { kind: 'wait', why: 'cancelling' } : { kind: 'ended' };
  }
  // Superseded (its version revoked): no wave of it goes on; its groups move back as core/rollout/supersede.ts says.
  if (record.state === 'superseded') return { kind: 'ended' };
  if (record.state === 'halted') return afterHalt(record);
  // Stopped: the reconciler found its execution no longer running; a redriven execution does not take it up again.
  if (record.state === 'completed' || record.state === 'stopped') return { kind: 'ended' };

  const index = record.currentWave;
  const wave = record.waves[index];
  if (!wave) return { kind: 'ended' };
  const paused = record.state === 'paused';
  if (wave.state === 'pending') return paused ? { kind: 'wait', why: 'paused' } : { kind: 'start-wave', wave: index };

  const state = waveStateOf(wave, index === 0);
  // A canary that refreshed nothing proved nothing: the later, larger waves do not start on its word.
  if (state === 'skipped' && index === 0) {
    return { kind: 'halt', wave: 0, failed: [], rollBack: [], revert: [], refused: [], reason: EMPTY_CANARY };
  }
  if (state === 'failed') {
    const live = wave.groups.filter((g) => !isRefused(wave, g));
    const failed = live.filter((g) => isFailedRefresh(g.status));
    const rollBack = live.filter((g) => isActiveRefresh(g.status));
    // Only a refresh that failed shows the version bad; a wave failed by a refusing account alone keeps its refreshes.
    const revert = failed.length > 0 ? live.filter((g) => isSuccessfulRefresh(g.status)) : [];
    const refused = wave.failures ?? [];
    // A canary whose refreshes moved no instance: nothing failed, so its groups keep the version (nothing showed it bad).
    const quiet = index === 0 && failed.length === 0 && refused.length === 0;
    const why = !quiet
      ? undefined
      : canaryMovedNothing(live)
        ? UNMOVED_CANARY
        : canaryHasNoInstances(live)
          ? NO_INSTANCE_CANARY
          : undefined;
    return { kind: 'halt', wave: index, failed, rollBack, revert, refused, ...(why && { reason: why }) };
  }
  if (state === 'healthy' || state === 'skipped') {
    const last = index === record.waves.length - 1;
    return { kind: 'wave-healthy', wave: index, next: last ? 'completed' : paused ? 'paused' : 'next-wave' };
  }
  return { kind: 'wait', why: 'refreshing' };
}

/** Rolling back, as Auto Scaling reports a refresh on its way back (or still to be rolled back). */
const ROLLING_BACK = new Set([...ACTIVE, 'RollbackInProgress', 'Cancelling']);

/**
 * A halted rollout is followed until its failed wave's groups are back: while a refresh is still rolling back (or a
 * group's refresh back to its previous version, `back`, still runs), wait; once every one reached RollbackSuccessful
 * or its refresh back ended Successful, the wave is rolled back; otherwise (a rollback or a refresh back failed, a
 * refresh that could not roll back) it ends as it is.
 */
export function afterHalt(record: Pick<RolloutRecord, 'waves' | 'currentWave'>): RolloutStep {
  const wave = record.waves[record.currentWave];
  if (wave?.state !== 'failed' || wave.groups.length === 0) return { kind: 'ended' };
  const returning = (g: RolloutGroup) => (g.back ? isActiveRefresh(g.back.status) : ROLLING_BACK.has(g.status));
  const isBack = (g: RolloutGroup) => (g.back ? g.back.status === 'Successful' : g.status === 'RollbackSuccessful');
  if (wave.groups.some(returning)) return { kind: 'wait', why: 'rolling-back' };
  if (wave.groups.every(isBack)) return { kind: 'rolled-back', wave: record.currentWave };
  return { kind: 'ended' };
}

/** One refresh's status as DescribeInstanceRefreshes reported it, by group. */
export interface RefreshStatus {
  account: string;
  region: string;
  group: string;
  refreshId: string;
  status: string;
  statusReason?: string;
}

const sameRefresh = (s: RefreshStatus, g: RolloutGroup) =>
  s.account === g.account && s.region === g.region && s.group === g.group && s.refreshId === g.refreshId;

/** A group with the status AWS reported for its refresh (unchanged when none was read). */
function withStatus(g: RolloutGroup, statuses: readonly RefreshStatus[]): RolloutGroup {
  const seen = statuses.find((s) => sameRefresh(s, g));
  if (!seen) return g;
  const { statusReason: _old, ...rest } = g;
  return { ...rest, status: seen.status, ...(seen.statusReason !== undefined && { statusReason: seen.statusReason }) };
}

/** The record with its groups' statuses, in any wave, as AWS reported them; the waves' states as they were. */
export function withGroupStatuses(
  record: RolloutRecord,
  statuses: readonly RefreshStatus[],
  now: string,
): RolloutRecord {
  const waves = record.waves.map((w) => ({ ...w, groups: w.groups.map((g) => withStatus(g, statuses)) }));
  return { ...record, waves, updatedAt: now };
}

/**
 * The record with the current wave's groups' statuses as AWS reported them, and the wave's state from them. An
 * aborted rollout's waves keep the state they had when it was aborted: their refreshes were cancelled, not failed.
 */
export function withStatuses(record: RolloutRecord, statuses: readonly RefreshStatus[], now: string): RolloutRecord {
  if (record.state === 'aborted') return withGroupStatuses(record, statuses, now);
  const index = record.currentWave;
  const waves = record.waves.map((wave, i) => {
    // A wave an alarm failed after it finished is followed by its move back (late-alarms.ts), not by its refreshes.
    if (i !== index || wave.state === 'pending' || wave.alarm) return wave;
    const next = { ...wave, groups: wave.groups.map((g) => withStatus(g, statuses)) };
    const state = waveStateOf(next, i === 0);
    const ended = state === 'healthy' || state === 'failed' || state === 'skipped';
    return { ...next, state, ...(ended && wave.endedAt === undefined && { endedAt: now }) };
  });
  return { ...record, waves, updatedAt: now };
}

/**
 * An aborted rollout whose cancels AWS reports done (no refresh running or `Cancelling`): each wave still under way
 * (`refreshing`, `baking`) is `aborted`, ended now, so no ended record keeps a wave baking that no refresh finishes.
 * Any other record as it is.
 */
export function withAbortedWaves(record: RolloutRecord, now: string): RolloutRecord {
  if (record.state !== 'aborted' || planRollout(record).kind !== 'ended') return record;
  const underWay = (w: RolloutWave) => w.state === 'refreshing' || w.state === 'baking';
  if (!record.waves.some(underWay)) return record;
  const waves = record.waves.map((w) =>
    underWay(w) ? { ...w, state: 'aborted' as const, endedAt: w.endedAt ?? now } : w,
  );
  return { ...record, waves, updatedAt: now };
}

/** A new record for a version's rollout to a channel: every wave pending, the first current. */
export function newRolloutRecord(input: {
  image: string;
  channel: string;
  version: string;
  amis: Record<string, string>;
  waves: readonly string[];
  now: string;
}): RolloutRecord {
  return {
    image: input.image,
    channel: input.channel,
    version: input.version,
    amis: { ...input.amis },
    state: 'running',
    startedAt: input.now,
    updatedAt: input.now,
    currentWave: 0,
    waves: input.waves.map((name) => ({ name, state: 'pending', groups: [] })),
    skippedGroups: [],
    openWork: 'rollout',
  };
}
