import { afterHalt, isActiveRefresh, type RefreshStatus } from './plan.js';
import type { RolloutGroup, RolloutRecord, RolloutReplacement, TakenBack } from './record.js';

/**
 * A superseded rollout (its version was revoked) takes every group it reached off the revoked AMI: onto the version
 * the channel's pointer went back to, or, with none, back to the group's previous launch template version. The
 * waves that had not started stay untouched. Pure: the engine reads the ledger and AWS, this says what to do.
 */

export type SupersedeStep =
  /** Decide where the groups go (read the channel's pointer and the ledger's facts of its version). */
  | { kind: 'decide' }
  /** `rollBack`: refreshes still running, to RollbackInstanceRefresh; `move`: groups to refresh onto their target. */
  | { kind: 'move-back'; rollBack: RolloutGroup[]; move: RolloutGroup[] }
  /** A rollback or a move-back refresh is under way. */
  | { kind: 'wait'; why: 'moving-back' }
  /** Every group is back: record it once. */
  | { kind: 'settled'; groups: number; notMoved: RolloutGroup[] }
  | { kind: 'ended' };

/** On their way back by Auto Scaling's own rollback (or a cancel), before a move-back refresh can start. */
const RETURNING = new Set(['RollbackInProgress', 'Cancelling']);

/**
 * Whether a revocation of an ended rollout's version takes its groups back, and how it had ended: a completed one, a
 * halted one with a wave that finished healthy (its groups run the revoked version), or an aborted or stopped one that
 * had started a refresh (a cancel or a stop rolls nothing back: the instances already replaced run the revoked
 * version); anything else, undefined.
 */
export function takesBack(record: RolloutRecord): TakenBack['from'] | undefined {
  if (record.takenBack) return undefined;
  if (record.state === 'completed') return 'completed';
  if (record.state === 'halted' && record.waves.some((w) => w.state === 'healthy')) return 'halted';
  if ((record.state === 'aborted' || record.state === 'stopped') && reachedGroups(record).length > 0) {
    return record.state;
  }
  return undefined;
}

/**
 * Whether the rollout's own execution still follows it: a halted one does until its wave's rollback is recorded, and
 * once superseded it moves the groups itself (no take-back execution beside it).
 */
export function followedByItsExecution(record: RolloutRecord): boolean {
  const from = record.takenBack?.from ?? record.state;
  return from === 'halted' && afterHalt(record).kind !== 'ended';
}

/**
 * The reason of an ended rollout superseded by a revocation that withdrew the channel's pointer (no earlier version
 * to go back to): nothing is refreshed, and it says how many groups still run the revoked version.
 */
export function withdrawnReason(record: RolloutRecord, reason: string): string {
  const refreshed = reachedGroups(record).filter((g) => g.status === 'Successful').length;
  const count = `${refreshed} group${refreshed === 1 ? '' : 's'}`;
  return `${reason}; the ${record.channel} pointer was withdrawn (no earlier version): nothing refreshed, ${count} still on ${record.version}`;
}

/** Every group the rollout reached (each wave that started). */
export function reachedGroups(record: RolloutRecord): RolloutGroup[] {
  return record.waves.flatMap((w) => w.groups);
}

/**
 * Whether the group's previous launch template version is where it goes: always without a replacement version, and
 * with one when that version's AMI in the group's Region is the one its previous version names.
 */
export function previousIsTarget(g: RolloutGroup, replacement: RolloutReplacement): boolean {
  return replacement.version === undefined || g.fromImageId === replacement.amis[g.region];
}

export function planSupersede(record: RolloutRecord): SupersedeStep {
  const reached = reachedGroups(record);
  if (reached.length === 0) return { kind: 'ended' };
  const replacement = record.replacement;
  if (!replacement) return { kind: 'decide' };
  if (replacement.settledAt !== undefined) return { kind: 'ended' };
  const rollBack = reached.filter((g) => !g.back && isActiveRefresh(g.status));
  const move = reached.filter(
    (g) =>
      !g.back &&
      !isActiveRefresh(g.status) &&
      !RETURNING.has(g.status) &&
      !(g.status === 'RollbackSuccessful' && previousIsTarget(g, replacement)),
  );
  if (rollBack.length + move.length > 0) return { kind: 'move-back', rollBack, move };
  const inFlight = reached.some((g) => (g.back ? isActiveRefresh(g.back.status) : RETURNING.has(g.status)));
  if (inFlight) return { kind: 'wait', why: 'moving-back' };
  const notMoved = reached.filter((g) => g.back !== undefined && g.back.status !== 'Successful');
  return { kind: 'settled', groups: reached.length, notMoved };
}

/** The refreshes to read: each reached group's move-back refresh when it has one, else the rollout's own. */
export function refreshesToWatch(record: RolloutRecord): RolloutGroup[] {
  return reachedGroups(record).flatMap((g) => (g.back ? movesToWatch([g]) : [g]));
}

/** The move-back refreshes of these groups still running, each as its group with the move's refresh id. */
export function movesToWatch(groups: readonly RolloutGroup[]): RolloutGroup[] {
  return groups.flatMap((g) =>
    g.back && g.back.refreshId !== '' && isActiveRefresh(g.back.status) ? [{ ...g, refreshId: g.back.refreshId }] : [],
  );
}

/** The record with the statuses AWS reported for the refreshes `refreshesToWatch` named. */
export function withMoveStatuses(
  record: RolloutRecord,
  statuses: readonly RefreshStatus[],
  now: string,
): RolloutRecord {
  const find = (g: RolloutGroup, refreshId: string) =>
    statuses.find(
      (s) => s.account === g.account && s.region === g.region && s.group === g.group && s.refreshId === refreshId,
    );
  const waves = record.waves.map((w) => ({
    ...w,
    groups: w.groups.map((g) => {
      const seen = g.back ? find(g, g.back.refreshId) : find(g, g.refreshId);
      if (!seen) return g;
      const next = { status: seen.status, ...(seen.statusReason !== undefined && { statusReason: seen.statusReason }) };
      if (g.back) return { ...g, back: { version: g.back.version, refreshId: g.back.refreshId, ...next } };
      const { statusReason: _old, ...rest } = g;
      return { ...rest, ...next };
    }),
  }));
  return { ...record, waves, updatedAt: now };
}

/** The superseded rollout's reason once its groups are back: the revocation's, and where the groups went. */
export function settledReason(record: RolloutRecord, step: { groups: number; notMoved: RolloutGroup[] }): string {
  const replacement = record.replacement;
  const started = record.waves.filter((w) => w.groups.length > 0).map((w) => w.name);
  const where =
    replacement?.version !== undefined
      ? `rolled forward to ${replacement.version}`
      : `back on their previous launch template version (${replacement?.why ?? 'no version to roll forward to'})`;
  const count = `${step.groups} group${step.groups === 1 ? '' : 's'}`;
  const left = step.notMoved.length > 0 ? `; ${step.notMoved.length} not moved (see rollout status)` : '';
  return `${record.reason ?? 'superseded'}; ${count} of ${started.join(', ')} ${where}${left}`;
}

/** The record with these groups (as moveBack returned them, `back` set) in place of the ones of the same refresh. */
export function withMoves(record: RolloutRecord, moved: readonly RolloutGroup[]): RolloutRecord {
  const key = (g: RolloutGroup) => `${g.account}/${g.region}/${g.group}/${g.refreshId}`;
  const byKey = new Map(moved.map((g) => [key(g), g]));
  const waves = record.waves.map((w) => ({ ...w, groups: w.groups.map((g) => byKey.get(key(g)) ?? g) }));
  return { ...record, waves };
}

/** The launch template a group runs now, as DescribeAutoScalingGroups reports it (undefined: the group is gone). */
export interface RunningTemplate {
  id?: string;
  version?: string;
}

/**
 * Why a take-back must leave a group where it is: its team has moved it on since the rollout (another template, or a
 * version the rollout did not leave it on). A group whose refresh ended Successful runs Goldsmith's version
 * (`toVersion`, saved on the group by the refresh); one whose refresh did not finish still runs its version from
 * before (`fromVersion`) or Goldsmith's. Anything else is the team's own later deployment, which a refresh back
 * would discard. Undefined: it still runs what the rollout left, so it may be moved.
 */
export function movedOnReason(g: RolloutGroup, running: RunningTemplate | undefined): string | undefined {
  if (!running) return 'the group no longer exists';
  const ours = g.status === 'Successful' ? [g.toVersion] : [g.fromVersion, g.toVersion];
  const id = running.id ?? '(by name)';
  if (running.id !== g.launchTemplateId || !ours.map(String).includes(running.version ?? '$Default')) {
    return `its team moved it on since the rollout (it runs launch template ${id} version ${running.version ?? '$Default'}, not v${g.toVersion} of ${g.launchTemplateId}): left as it is`;
  }
  return undefined;
}

/** The record with the groups a take-back left where they are (`back` status `NotMoved`) named once, to be told. */
export function withNotMoved(record: RolloutRecord, moved: readonly RolloutGroup[]): RolloutRecord {
  const known = new Set(record.skippedGroups.map((s) => `${s.account}/${s.region}/${s.group}`));
  const left = moved.flatMap((g) =>
    g.back?.status === NOT_MOVED && !known.has(`${g.account}/${g.region}/${g.group}`)
      ? [{ account: g.account, region: g.region, group: g.group, reason: g.back.statusReason ?? 'not moved' }]
      : [],
  );
  return left.length > 0 ? { ...record, skippedGroups: [...record.skippedGroups, ...left] } : record;
}

/**
 * The record with each wave still under way (`refreshing`, `baking`) when the revocation came marked `superseded`,
 * ended now: a superseded rollout's record never keeps a wave baking that no refresh finishes.
 */
export function withSupersededWaves(record: RolloutRecord, now: string): RolloutRecord {
  if (!record.waves.some((w) => w.state === 'refreshing' || w.state === 'baking')) return record;
  const waves = record.waves.map((w) =>
    w.state === 'refreshing' || w.state === 'baking'
      ? { ...w, state: 'superseded' as const, endedAt: w.endedAt ?? now }
      : w,
  );
  return { ...record, waves };
}

/** A move back's status when the take-back left the group as its team set it. */
export const NOT_MOVED = 'NotMoved';
