import { grantKey, type LaunchGrant, uniqueGrants } from './grants.js';

/**
 * The sharing planner: from what is in force on one AMI (and its snapshots) and what should be, the fewest
 * ModifyImageAttribute / ModifySnapshotAttribute calls that make the first equal the second. Pure and
 * deterministic; the AWS edge applies the calls in order.
 *
 * EC2's per-request limits, as documented:
 * - ModifyImageAttribute takes `LaunchPermission: { Add, Remove }` together in one request
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchPermissionModifications.html), with "up to
 *   10 000 account IDs ... in a single request"
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchPermission.html). No separate number is
 *   published for organization and OU ARNs, so they count against the same 10 000 entries, conservatively.
 * - ModifySnapshotAttribute adds or removes account ids, "but you cannot do both in a single operation", and takes
 *   "up to 500 modifications to a snapshot in a single operation"; snapshots are shared with accounts only
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySnapshotAttribute.html).
 */
export const MAX_LAUNCH_PERMISSION_ENTRIES_PER_CALL = 10_000;
export const MAX_SNAPSHOT_MODIFICATIONS_PER_CALL = 500;

/** One ModifyImageAttribute request's launch permission change. */
export interface LaunchPermissionCall {
  readonly Add: LaunchGrant[];
  readonly Remove: LaunchGrant[];
}

/** One ModifySnapshotAttribute request: account ids added or removed (never both). */
export interface SnapshotPermissionCall {
  readonly operation: 'add' | 'remove';
  readonly userIds: string[];
}

/** The difference between two grant lists, without duplicates. */
export function diffGrants(
  current: readonly LaunchGrant[],
  desired: readonly LaunchGrant[],
): { add: LaunchGrant[]; remove: LaunchGrant[] } {
  const have = new Set(current.map(grantKey));
  const want = new Set(desired.map(grantKey));
  return {
    add: uniqueGrants(desired).filter((g) => !have.has(grantKey(g))),
    remove: uniqueGrants(current).filter((g) => !want.has(grantKey(g))),
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The ModifyImageAttribute calls that turn `current` into `desired`: nothing when they already agree, otherwise
 * additions and removals packed together, at most {@link MAX_LAUNCH_PERMISSION_ENTRIES_PER_CALL} entries a call.
 * Additions come first, so a plan cut short by a failure never leaves a target without the grant it is moving to.
 */
export function planLaunchPermissions(
  current: readonly LaunchGrant[],
  desired: readonly LaunchGrant[],
): LaunchPermissionCall[] {
  const { add, remove } = diffGrants(current, desired);
  const changes: { op: 'add' | 'remove'; grant: LaunchGrant }[] = [
    ...add.map((grant) => ({ op: 'add' as const, grant })),
    ...remove.map((grant) => ({ op: 'remove' as const, grant })),
  ];
  return chunks(changes, MAX_LAUNCH_PERMISSION_ENTRIES_PER_CALL).map((part) => ({
    Add: part.filter((c) => c.op === 'add').map((c) => c.grant),
    Remove: part.filter((c) => c.op === 'remove').map((c) => c.grant),
  }));
}

/**
 * The ModifySnapshotAttribute calls that turn a snapshot's `createVolumePermission` accounts into `desired`
 * (a public `all` group in force is removed too): additions first, then removals, each in calls of at most
 * {@link MAX_SNAPSHOT_MODIFICATIONS_PER_CALL}.
 */
export function planSnapshotPermissions(
  current: readonly LaunchGrant[],
  desiredAccounts: readonly string[],
): { calls: SnapshotPermissionCall[]; removePublic: boolean } {
  const have = new Set(current.flatMap((g) => ('UserId' in g ? [g.UserId] : [])));
  const want = new Set(desiredAccounts);
  const add = [...want].filter((a) => !have.has(a)).sort();
  const remove = [...have].filter((a) => !want.has(a)).sort();
  return {
    calls: [
      ...chunks(add, MAX_SNAPSHOT_MODIFICATIONS_PER_CALL).map((userIds) => ({ operation: 'add' as const, userIds })),
      ...chunks(remove, MAX_SNAPSHOT_MODIFICATIONS_PER_CALL).map((userIds) => ({
        operation: 'remove' as const,
        userIds,
      })),
    ],
    removePublic: current.some((g) => 'Group' in g),
  };
}

/** The fewest ModifyImageAttribute calls any plan needs for this change: what the planner must meet. */
export function minimumLaunchPermissionCalls(current: readonly LaunchGrant[], desired: readonly LaunchGrant[]): number {
  const { add, remove } = diffGrants(current, desired);
  return Math.ceil((add.length + remove.length) / MAX_LAUNCH_PERMISSION_ENTRIES_PER_CALL);
}

/** Applies calls to a grant list the way EC2 does (removals, then additions, no duplicates): for tests and fakes. */
export function applyLaunchPermissionCalls(
  current: readonly LaunchGrant[],
  calls: readonly LaunchPermissionCall[],
): LaunchGrant[] {
  const state = new Map(current.map((g) => [grantKey(g), g]));
  for (const call of calls) {
    for (const g of call.Remove) state.delete(grantKey(g));
    for (const g of call.Add) state.set(grantKey(g), g);
  }
  return uniqueGrants(state.values());
}
