import { amiGone } from '../../aws/lifecycle/image-lifecycle.js';
import {
  modifyLaunchPermissions,
  modifySnapshotPermissions,
  readLaunchPermissions,
  readSnapshotIds,
  readSnapshotPermissions,
} from '../../aws/sharing/ec2-sharing.js';
import { mapWithConcurrency } from '../../core/concurrency.js';
import type { LaunchGrant } from '../../core/sharing/grants.js';
import { planLaunchPermissions, planSnapshotPermissions } from '../../core/sharing/planner.js';

/** What one AMI (one region of a version) should grant. */
export interface DesiredRegionGrants {
  readonly region: string;
  readonly imageId: string;
  /** The launch permissions wanted; `[]` removes every grant (rejected, revoked, retired everywhere). */
  readonly grants: readonly LaunchGrant[];
  /** Accounts that may also copy the AMI (its snapshots' createVolumePermission); `[]` removes any. */
  readonly copyAccounts: readonly string[];
  /**
   * Accounts a promotion in flight lets copy (a channel Share has begun and not recorded the outcome of): their copy
   * permission is kept where it is in force, never added, as the launch grants of such a channel are (the audit, the
   * organization re-grant). Share grants them itself if it goes on; a paused or stopped one never does.
   */
  readonly copyKept?: readonly string[];
  /**
   * The launch permissions in force as read before the ledger was (a path that is not the promotion: the audit, the
   * organization re-grant): the change is planned against these, not read again, so a grant made since (a Share
   * whose intent that ledger read could not see yet) is not taken away. EC2's API is eventually consistent
   * (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html): a grant the read did not show yet
   * is left in force too, never withdrawn on a stale read.
   */
  readonly inForce?: readonly LaunchGrant[];
}

/** What applying one region took. */
export interface AppliedRegionGrants {
  readonly region: string;
  readonly imageId: string;
  readonly added: number;
  readonly removed: number;
  /** ModifyImageAttribute calls made (the planner's minimum for this change). */
  readonly imageCalls: number;
  /** ModifySnapshotAttribute calls made. */
  readonly snapshotCalls: number;
}

/** Regions applied at once: each region has its own EC2 token buckets, so regions never slow each other down. */
export const REGION_CONCURRENCY = 16;

async function applyRegion(want: DesiredRegionGrants): Promise<AppliedRegionGrants> {
  const { region, imageId } = want;
  const current = want.inForce ?? (await readLaunchPermissions(region, imageId));
  const calls = planLaunchPermissions(current, want.grants);
  // Sequential within a region: one bucket, and additions go before removals.
  for (const call of calls) await modifyLaunchPermissions(region, imageId, call);
  let snapshotCalls = 0;
  for (const snapshotId of await readSnapshotIds(region, imageId)) {
    const current = await readSnapshotPermissions(region, snapshotId);
    const held = new Set(current.flatMap((g) => ('UserId' in g ? [g.UserId] : [])));
    const copy = [...new Set([...want.copyAccounts, ...(want.copyKept ?? []).filter((a) => held.has(a))])];
    const plan = planSnapshotPermissions(current, copy);
    for (const call of plan.calls) await modifySnapshotPermissions(region, snapshotId, call);
    if (plan.removePublic) await modifySnapshotPermissions(region, snapshotId, { operation: 'remove', group: 'all' });
    snapshotCalls += plan.calls.length + (plan.removePublic ? 1 : 0);
  }
  return {
    region,
    imageId,
    added: calls.reduce((n, c) => n + c.Add.length, 0),
    removed: calls.reduce((n, c) => n + c.Remove.length, 0),
    imageCalls: calls.length,
    snapshotCalls,
  };
}

/**
 * Makes each AMI's launch permissions (and its snapshots' copy permissions) exactly what `desired` says: reads what
 * is in force (DescribeImageAttribute, DescribeSnapshotAttribute), plans the fewest calls (core/sharing/planner)
 * and applies them, regions in parallel (at most {@link REGION_CONCURRENCY}), calls within a region in order.
 * Idempotent: a second run finds everything in force and makes no call. Throttling is retried by the SDK's adaptive
 * retry; any other error is thrown after the regions already started have finished, and a re-run completes the rest.
 *
 * This is the one way Goldsmith changes who may launch an AMI: Share (a version enters a channel), RecordOutcome
 * (a channel fails after sharing), and retirement and revocation (fewer channels, or `grants: []`).
 */
export async function applyLaunchGrants(
  desired: readonly DesiredRegionGrants[],
  options: { concurrency?: number } = {},
): Promise<AppliedRegionGrants[]> {
  return mapWithConcurrency(desired, options.concurrency ?? REGION_CONCURRENCY, applyRegion);
}

/**
 * Makes AMIs launchable and copyable by no one (a version retired from every channel, or revoked): the same planning
 * and application as any grant change, towards an empty set, so it reads no organization. Idempotent; an AMI EC2
 * says is gone (a deletion retried after its deregistration) counts as withdrawn.
 */
export async function withdrawLaunchGrants(
  amis: readonly { region: string; imageId: string }[],
): Promise<AppliedRegionGrants[]> {
  return mapWithConcurrency(amis, REGION_CONCURRENCY, async ({ region, imageId }) => {
    try {
      return await applyRegion({ region, imageId, grants: [], copyAccounts: [] });
    } catch (error) {
      // A deregistered AMI is launchable by no one: a retry after its deregistration has nothing left to withdraw.
      if (!amiGone(error)) throw error;
      return { region, imageId, added: 0, removed: 0, imageCalls: 0, snapshotCalls: 0 };
    }
  });
}
