import { listUsage } from '../../aws/fleet/usage-ledger.js';
import { deprecateAmisAt } from '../../aws/lifecycle/image-deprecation.js';
import { markRevocationAnnounced } from '../../aws/lifecycle/revocation-marks.js';
import { announce } from '../../aws/notifications/notifications.js';
import { putEvent } from '../../aws/promotion/promotion-images.js';
import { GoldsmithError } from '../../core/errors.js';
import { usersOfVersion } from '../../core/fleet/usage.js';
import { descendantRevocations } from '../../core/lifecycle/revocation.js';
import { announcement } from '../../core/notifications/announce.js';
import type { PromotionPlan } from '../../core/promotion/types.js';
import { REBUILD_REQUEST } from '../../core/triggers/change.js';
import type { ImageRebuildRequestedDetail } from '../../events/image-rebuild-requested.js';
import type { ImageRevokedDetail } from '../../events/image-revoked.js';
import { DETAIL_TYPES, GOLDSMITH_SOURCE } from '../../events/sources.js';
import { withdrawLaunchGrants } from '../sharing/launch-grants.js';
import { flagDescendants } from './flag-descendants.js';
import { readImageState, requestedRevocation, restoredRevocation } from './ledger-view.js';
import { buildOutputs, movePointerBack, withdrawPointer } from './pointers.js';
import { keyedBy, markRevokedAsRead, restoredSince, revocationKey } from './revoke-mark.js';
import { revocationPlanOf, unconsentedWithdrawals, withdrawnBy } from './revoke-plan.js';
import { supersedeChannelRollout } from './revoke-rollout.js';
import { endWaitingPromotions } from './revoke-waits.js';
import { inUseSummary, tellUsers } from './revoked-users.js';

/** A revocation of a version the image never built: nothing is done. */
export class UnknownVersionError extends GoldsmithError {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownVersion';
  }
}

import { type RevokeRequest, type RevokeResult, restoreStands, withdrawalRefused } from './revoke-result.js';

export type { RevokeRequest, RevokeResult } from './revoke-result.js';

/**
 * Revokes one build of one image, at once: records it (the promotion's next step and its soak check refuse a
 * revoked build), removes every launch permission of its AMIs in every region (the sharing step's own grant code,
 * `withdrawLaunchGrants`, towards no grantee), deprecates them now, rolls every channel pointer that names it back to the
 * newest earlier launchable version (or withdraws it), ends its promotions waiting for an approval or a soak
 * (`endWaitingPromotions`: recorded aborted now, the approval withdrawn from every door), flags the versions built on it at any depth (`flagDescendants`: children, theirs…) — and, when the image's
 * `revocation.descendants` is `revoke` (or a cascade is under way), revokes them the same way, at any depth — and
 * asks for their rebuild on the rolled-back parent ("Image Rebuild Requested"), then announces it once and puts the fact "Image Revoked" on
 * Goldsmith's bus. Every step tolerates a retry: a second run finishes what is left and announces nothing twice.
 */
export async function revokeVersion(
  request: RevokeRequest,
  plans: Record<string, PromotionPlan>,
  busName: string,
): Promise<RevokeResult> {
  const plan = plans[request.image];
  if (!plan) throw new Error(`revoke: unknown image "${request.image}"`);
  const at = request.at.toISOString();
  const before = await readImageState(plan, undefined, { consistent: true });
  if (!before.builds.some((b) => b.version === request.version)) {
    throw new UnknownVersionError(`revoke: ${request.image} has no build ${request.version}`);
  }
  // Restored from this revocation or a later one (a re-delivered fact, a parent's cascade re-run that way): the
  // operator's restore stands, and nothing is done.
  const since = restoredSince(before, request.version, at);
  if (since) return restoreStands(request, since);
  const decided = revocationPlanOf(before, request.image, request.version, plans);
  const moved = decided.moves.map((m) => m.channel);
  const withdrawn = withdrawnBy(decided);
  // Asked not to empty a channel: refused, but for the withdrawals an earlier run of it planned (a repeat finishes
  // what that run, which had its consent or the catalog's, began).
  if (request.refuseWithdrawal && withdrawn.length > 0) {
    const unconsented = unconsentedWithdrawals(before, request.version, withdrawn);
    if (unconsented.channels.length > 0) return withdrawalRefused(request, unconsented);
  }
  // A request a finding recorded keeps its reason beside the revocation's (`history` tells both).
  const requested = requestedRevocation(before, request.version);
  const mark = await markRevokedAsRead(
    {
      image: request.image,
      version: request.version,
      reason: request.reason,
      by: request.by,
      channels: moved,
      withdrawn,
      at,
      ...(requested ? { requestedReason: requested.reason } : {}),
    },
    restoredRevocation(before, request.version),
  );
  if (mark.restoredSince) return restoreStands(request, mark.restoredSince);
  const { firstTime } = mark;
  // Each revocation's announcements their own: a version restored and revoked again is announced again.
  const key = revocationKey(mark);
  // The channels the revocation moved: as its mark recorded them, on a retry that plans no move for a pointer its
  // stopped attempt moved.
  const channels = mark.unannounced?.channels ?? moved;
  // Its promotions waiting for an approval or a soak end now, recorded aborted, rather than when the wait would end.
  const waitsEnded = await endWaitingPromotions({ ...request, at });
  const outputs = await buildOutputs(before, request.version);
  const applied = await withdrawLaunchGrants(outputs.amis);
  // At the revocation's time, or the next minute when that is past (a scheduled revocation carried out late: EC2
  // refuses a deprecation time in the past).
  const amisDeprecated = await deprecateAmisAt(outputs.amis, request.at, new Date());
  for (const move of decided.moves) {
    // The revoked version's rollout stops, and its Rollout execution takes every group it reached to the version the
    // pointer goes back to (functions/rollout/supersede.ts); one that had ended gets an execution of its own to do
    // the same (revoke-rollout.ts), marked before the pointer moves so that a retry, which finds the pointer moved and
    // plans no move, has nothing left to start.
    if (plan.channels.find((c) => c.name === move.channel)?.rollsOut) {
      const { image, version, reason } = request;
      const withdrawn = move.action !== 'roll-back';
      await supersedeChannelRollout({ image, version, reason, channel: move.channel, at, withdrawn });
    }
    const common = {
      state: before,
      image: request.image,
      channel: move.channel,
      from: request.version,
      by: request.by,
      at,
    };
    if (move.action === 'roll-back') {
      const targets = plan.channels.find((c) => c.name === move.channel)?.targets;
      if (!targets) throw new Error(`revoke: ${request.image} has no channel "${move.channel}" in the catalog`);
      await movePointerBack({ ...common, targets, to: move.to, reason: `revoked: ${request.reason}` });
    } else {
      await withdrawPointer({ ...common, reason: `revoked (${request.reason}); ${move.reason}` });
    }
  }
  const cascading = plan.revokeDescendants || request.cascade === true;
  // Empty now (this revocation withdrew it, or a retry finds it withdrawn already): nothing to rebuild on.
  const empty = (channel: string) => withdrawn.includes(channel) || !before.pointers[channel];
  const {
    flagged: descendantsFlagged,
    waiting,
    lineage,
  } = await flagDescendants(
    { image: request.image, version: request.version, by: request.by, at, empty, cascading },
    plans,
  );
  // The catalog's policy for what was built on it: revoked too (through this same function, so each is recorded,
  // unshared, rolled back and announced once), before the children are rebuilt on the rolled-back parent.
  const descendantsRevoked: string[] = [];
  if (cascading) {
    const cascade = descendantRevocations({
      image: request.image,
      version: request.version,
      reason: request.reason,
      children: lineage,
    });
    for (const d of cascade) {
      const revoked = await revokeVersion({ ...d, by: request.by, at: request.at, cascade: true }, plans, busName);
      if (!revoked.restoredSince) descendantsRevoked.push(`${d.image} ${d.version}`, ...revoked.descendantsRevoked);
    }
  }
  for (const child of decided.rebuild) {
    const detail: ImageRebuildRequestedDetail = {
      image: child,
      requestId: `${REBUILD_REQUEST.revocation}${request.image}:${request.version}`,
      reason: `its parent ${request.image} ${request.version} was revoked (${request.reason})`,
      requestedBy: request.by,
      requestedAt: at,
    };
    await putEvent(busName, GOLDSMITH_SOURCE, DETAIL_TYPES.imageRebuildRequested, detail);
  }
  // Announced the first time, or by a retry of this very revocation that finds them not recorded made (its earlier
  // attempt stopped between its mark and its announcements): the same ids, so each is published once.
  if (firstTime || mark.unannounced) {
    const users = usersOfVersion((await listUsage(request.image)).filter((u) => u.version === request.version));
    const withdrawals = decided.moves.flatMap((m) =>
      m.action === 'withdraw' ? [`${m.channel} withdrawn (${m.reason})`] : [],
    );
    const rebuilt =
      decided.rebuild.length > 0 ? [`rebuilding ${decided.rebuild.join(', ')} on the rolled-back parent`] : [];
    const alsoRevoked = descendantsRevoked.length > 0 ? [`also revoked: ${descendantsRevoked.join(', ')}`] : [];
    await announce(
      announcement(
        'revoked',
        { image: request.image, version: request.version },
        {
          reason: [request.reason, ...waitsEnded, ...withdrawals, ...alsoRevoked, ...rebuilt, ...waiting].join('; '),
          channels,
          by: request.by,
          ...(users.length > 0 ? { inUse: inUseSummary(users) } : {}),
        },
        { at, key },
      ),
    );
    await tellUsers(request, users, at, key);
    for (const move of decided.moves) {
      if (move.action !== 'roll-back') continue;
      await announce(
        announcement(
          'rolled-back',
          { image: request.image, version: move.to, channel: move.channel },
          {
            from: request.version,
            to: move.to,
            reason: `${request.version} revoked: ${request.reason}`,
            by: request.by,
          },
          { at, key: keyedBy(`revoked:${request.version}`, key) },
        ),
      );
    }
    await markRevocationAnnounced({ image: request.image, version: request.version, revokedAt: at });
  }
  const buildVersionArn = before.builds.find((b) => b.version === request.version)?.buildVersionArn;
  // Put once its announcements are recorded made: on-lifecycle-request, which it invokes, then finds nothing to do.
  if ((firstTime || mark.unannounced) && buildVersionArn) {
    const fact: ImageRevokedDetail = {
      image: request.image,
      version: request.version,
      buildVersionArn,
      channels,
      reason: request.reason,
      by: request.by,
      revokedAt: at,
    };
    await putEvent(busName, GOLDSMITH_SOURCE, DETAIL_TYPES.imageRevoked, fact);
  }
  return {
    image: request.image,
    version: request.version,
    ...decided,
    firstTime,
    grantCalls: applied.reduce((n, a) => n + a.imageCalls, 0),
    amis: outputs.amis.length,
    amisDeprecated,
    descendantsFlagged,
    descendantsRevoked,
  };
}
