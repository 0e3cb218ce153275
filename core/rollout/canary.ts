import { type LeftBehind, leftBehindText, movedNothing, sumLeftBehind } from './left-behind.js';
import type { RolloutGroup } from './record.js';

/**
 * What the canary must show before the larger waves start on its word: an instance running the new version. A refresh
 * told to `Ignore` instances protected from scale in (`ScaleInProtectedInstances`) or in Standby (`StandbyInstances`)
 * "ignores instances that are protected from scale in and continues to replace instances that are not" and ends
 * `Successful` (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html): a canary whose
 * instances are all protected or in Standby ends `Successful` with none of them replaced. Pure: from each group's
 * instances as read once its refresh ended (core/rollout/left-behind.ts).
 */

/** Why a rollout whose first wave found no group to refresh halts. */
export const EMPTY_CANARY = 'canary has no group to refresh';

/** Why a rollout whose canary refreshed its groups without moving an instance halts. */
export const UNMOVED_CANARY = 'canary moved no instance';

/** Why a rollout whose canary's groups, refreshed, had no instance at all (desired capacity 0) halts. */
export const NO_INSTANCE_CANARY = 'canary has no instances';

/** The canary's groups whose refresh ended Successful and whose instances are not read yet: the canary waits on them. */
export function unreadCanaryGroups(live: readonly RolloutGroup[]): RolloutGroup[] {
  return live.filter((g) => g.status === 'Successful' && g.leftBehind === undefined && !g.back);
}

/**
 * Whether the canary's refreshes, every one `Successful` and read, moved no instance: at least one group has
 * instances, all of them on an older version. Groups with no instance neither prove nor disprove; a group read before
 * its moved instances were counted counts as proof (unknown is not halted on).
 */
export function canaryMovedNothing(live: readonly RolloutGroup[]): boolean {
  const read = live.filter((g) => g.leftBehind !== undefined && !g.back);
  if (read.some((g) => g.leftBehind?.moved === undefined)) return false;
  const moved = read.reduce((n, g) => n + (g.leftBehind?.moved ?? 0), 0);
  return moved === 0 && read.some(movedNothing);
}

/**
 * Whether the canary's refreshes, every one `Successful` and read, ran on groups with no instance at all (a member
 * admin set their desired capacity to 0): nothing ran the new version, so nothing proved it. Unknown (a group read
 * before its moved instances were counted) is not halted on.
 */
export function canaryHasNoInstances(live: readonly RolloutGroup[]): boolean {
  const read = live.filter((g) => !g.back);
  if (read.length === 0 || read.some((g) => g.leftBehind?.moved === undefined)) return false;
  return read.every((g) => {
    const l = g.leftBehind;
    return l !== undefined && l.moved === 0 && l.instances === 0 && (l.unready ?? 0) === 0;
  });
}

/** `canary has no instances: its group web-1 in 200000000001 us-east-1 had none when its refresh ended Successful; …`. */
export function noInstanceCanaryText(groups: readonly RolloutGroup[], version: string): string {
  const live = groups.filter((g) => !g.back);
  const first = live[0];
  const where = first ? `${first.group} in ${first.account} ${first.region}` : 'none';
  const whose = live.length === 1 ? `its group ${where}` : `its ${live.length} groups (${where}, …)`;
  return `${NO_INSTANCE_CANARY}: ${whose} had none when the refresh ended Successful (desired capacity 0); nothing runs ${version}, so the larger waves do not start on its word`;
}

/**
 * `canary moved no instance: its 2 groups' refreshes ended Successful with all 4 instances (3 protected from scale in,
 * 1 in Standby) still on the version before; nothing runs 1.0.0/3, so the larger waves do not start on its word`.
 */
export function unmovedCanaryText(groups: readonly RolloutGroup[], version: string): string {
  const left: LeftBehind = sumLeftBehind(groups);
  const n = groups.length;
  const whose = n === 1 ? "its group's refresh" : `its ${n} groups' refreshes`;
  const unready = groups.reduce((k, g) => k + (g.back ? 0 : (g.leftBehind?.unready ?? 0)), 0);
  const kept = left.instances > 0 ? ` with all ${leftBehindText(left)} still on the version before` : '';
  const late = unready > 0 ? `${kept ? ' and' : ' with'} ${unready} on the new one not InService and Healthy` : '';
  return `${UNMOVED_CANARY}: ${whose} ended Successful${kept}${late}; nothing runs ${version}, so the larger waves do not start on its word`;
}
