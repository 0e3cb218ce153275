import { runningTemplate } from '../../aws/rollout/rollout-groups.js';
import {
  cancelRefresh,
  describeRefreshes,
  rollbackRefresh,
  type StartOutcome,
  startRefresh,
} from '../../aws/rollout/rollout-refresh.js';
import { mapWithConcurrency } from '../../core/concurrency.js';
import type { RolloutSpec } from '../../core/config/schema-rollout.js';
import type { RefreshStatus } from '../../core/rollout/plan.js';
import type { GroupMove, RolloutGroup, ScopeFailure, SkippedGroup } from '../../core/rollout/record.js';
import { unlessRefused } from '../../core/rollout/refusal.js';
import { refreshPreferences } from '../../core/rollout/request.js';
import { movedOnReason, NOT_MOVED } from '../../core/rollout/supersede.js';
import { type RolloutContext, SCOPE_CONCURRENCY, scopeOf } from './wave.js';

/**
 * The engine's per-group calls on refreshes it started: read them, cancel them, roll them back. Each group is on its
 * own: a member account's refusal (core/rollout/refusal.ts) is reported for that group and the others go on.
 */

/** A refresh back to the previous version: no alarms and no rollback (there is nothing further back to go to). */
export function revertPreferences(settings: RolloutSpec) {
  const { MinHealthyPercentage, MaxHealthyPercentage, InstanceWarmup, ScaleInProtectedInstances, StandbyInstances } =
    refreshPreferences(settings);
  return {
    AutoRollback: false,
    BakeTime: 0,
    MinHealthyPercentage,
    MaxHealthyPercentage,
    SkipMatching: false,
    ScaleInProtectedInstances,
    StandbyInstances,
    ...(InstanceWarmup !== undefined && { InstanceWarmup }),
  };
}

const failure = (g: RolloutGroup, step: string, refused: { code: string; message: string }, at: string) => ({
  account: g.account,
  region: g.region,
  group: g.group,
  step,
  ...refused,
  at,
});

/**
 * The current statuses of these groups' refreshes (DescribeInstanceRefreshes per group), and the groups whose
 * account refused the read.
 */
export async function readRefreshes(
  ctx: RolloutContext,
  groups: readonly RolloutGroup[],
  now: string,
): Promise<{ statuses: RefreshStatus[]; failures: ScopeFailure[] }> {
  const read = await mapWithConcurrency(groups, SCOPE_CONCURRENCY, async (g) => {
    const out = await unlessRefused(() => describeRefreshes(scopeOf(ctx, g.account, g.region), g.group, [g.refreshId]));
    if ('refused' in out) return { statuses: [], failures: [failure(g, 'read', out.refused, now)] };
    const statuses = out.value.map((s) => ({ account: g.account, region: g.region, group: g.group, ...s }));
    return { statuses, failures: [] };
  });
  return { statuses: read.flatMap((r) => r.statuses), failures: read.flatMap((r) => r.failures) };
}

/** The current statuses of these groups' refreshes; a group whose account refused the read keeps the one it had. */
export async function readStatuses(ctx: RolloutContext, groups: readonly RolloutGroup[]): Promise<RefreshStatus[]> {
  return (await readRefreshes(ctx, groups, new Date().toISOString())).statuses;
}

/**
 * Cancels these groups' refreshes (abort, a halt on a late alarm, supersede); one already ended needs nothing.
 * @returns the groups whose account refused the cancel.
 */
export async function cancelGroups(
  ctx: RolloutContext,
  groups: readonly RolloutGroup[],
  now: string,
): Promise<ScopeFailure[]> {
  const out = await mapWithConcurrency(groups, SCOPE_CONCURRENCY, async (g) => {
    const done = await unlessRefused(() => cancelRefresh(scopeOf(ctx, g.account, g.region), g.group));
    return 'refused' in done ? [failure(g, 'cancel', done.refused, now)] : [];
  });
  return out.flat();
}

/**
 * A halted wave's other groups go back to their previous version: a refresh still running is rolled back
 * (RollbackInstanceRefresh); one already Successful cannot be ("You can't roll it back after it's finished":
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-rollback.html), so it gets a new refresh to
 * its previous version, recorded as the group's `back` (a retry finds the refresh it started: `after`). A group its
 * team moved on since (another template or version than the rollout left: movedOnReason) is left as it is, its
 * `back` recorded `NotMoved` with why and named among the problems (announced as a group skipped).
 * @returns the groups that could not be rolled back, with why (AWS's refusal included), and the reverted groups with
 * their `back` set.
 */
export async function rollBackGroups(
  ctx: RolloutContext,
  running: readonly RolloutGroup[],
  finished: readonly RolloutGroup[],
): Promise<{ problems: SkippedGroup[]; reverted: RolloutGroup[] }> {
  const problems: SkippedGroup[] = [];
  const problem = (g: RolloutGroup, reason: string) =>
    problems.push({ account: g.account, region: g.region, group: g.group, reason });
  await mapWithConcurrency(running, SCOPE_CONCURRENCY, async (g) => {
    const out = await unlessRefused(() => rollbackRefresh(scopeOf(ctx, g.account, g.region), g.group));
    if ('refused' in out) problem(g, `${out.refused.code}: ${out.refused.message}`);
    else if (out.value.kind === 'irreversible') problem(g, out.value.reason);
  });
  const reverted = await mapWithConcurrency(finished, SCOPE_CONCURRENCY, async (g) => {
    const version = g.fromVersion;
    const scope = scopeOf(ctx, g.account, g.region);
    const running = await unlessRefused(() => runningTemplate(scope, g.group));
    const movedOn = 'value' in running ? movedOnReason(g, running.value) : undefined;
    if (movedOn) {
      problem(g, movedOn);
      return [{ ...g, back: { version: g.toVersion, refreshId: '', status: NOT_MOVED, statusReason: movedOn } }];
    }
    const out = await unlessRefused(() =>
      startRefresh(scopeOf(ctx, g.account, g.region), {
        group: g.group,
        launchTemplateId: g.launchTemplateId,
        version,
        preferences: revertPreferences(ctx.settings),
        after: g.refreshId,
      }),
    );
    if ('refused' in out) {
      problem(g, `${out.refused.code}: ${out.refused.message}`);
      return [];
    }
    if (out.value.kind === 'busy') problem(g, out.value.reason);
    return [{ ...g, back: moveOf(version, out.value) }];
  });
  return { problems, reverted: reverted.flat() };
}

/** The record of a refresh started to move a group back (StartInstanceRefresh's answer, or why it could not start). */
export function moveOf(version: number, out: StartOutcome): GroupMove {
  if (out.kind === 'busy') return { version, refreshId: '', status: 'NotStarted', statusReason: out.reason };
  return {
    version,
    refreshId: out.refreshId,
    status: out.status,
    ...(out.statusReason !== undefined && { statusReason: out.statusReason }),
  };
}
