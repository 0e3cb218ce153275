import { undoRevocationDeprecation } from '../../aws/lifecycle/image-deprecation.js';
import { getRevocation } from '../../aws/lifecycle/promotion-findings.js';
import { markRestored } from '../../aws/lifecycle/revocation-marks.js';
import { getScheduledRevocation } from '../../aws/lifecycle/scheduled-revocations.js';
import { announce } from '../../aws/notifications/notifications.js';
import { announcement } from '../../core/notifications/announce.js';
import type { PromotionPlan } from '../../core/promotion/types.js';
import { grantHeldChannels } from '../sharing/version-grants.js';
import { readImageState } from './ledger-view.js';
import { buildOutputs } from './pointers.js';
import { clearRestoredFlags } from './restore-flags.js';

/** What a restore request asks. */
export interface RestoreRequest {
  image: string;
  version: string;
  reason: string;
  by: string;
  at: Date;
}

/** Why a restore changed nothing: the status an operator gets and one line. */
export class RestoreRefused extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'RestoreRefused';
  }
}

export interface RestoreResult {
  image: string;
  version: string;
  /** False when it had been restored before (the rest was finished again, idempotently, and not re-announced). */
  firstTime: boolean;
  revokedAt: string;
  restoredAt: string;
  restoredBy: string;
  /** The channels whose accounts may launch it again (it was promoted there and retention still holds it). */
  channels: string[];
  /** ModifyImageAttribute calls that gave grants back (0 on a retry that finds them in place). */
  grantCalls: number;
  /** The version's AMIs (every Region); 0 for a container image. */
  amis: number;
  /** AMIs whose revocation deprecation was cancelled or moved back to retention's time. */
  amisUndeprecated: number;
  /** Versions built on it whose "built on revoked" flag this restore cleared ("hardened 1.0.0/2"). */
  flagsCleared: string[];
}

/**
 * Restores a revoked version, as HCP Packer restores a revoked version
 * (https://developer.hashicorp.com/hcp/docs/packer/manage/revoke-restore): recorded no longer revoked (who, why,
 * when), the deprecation the revocation brought forward undone (`undoRevocationDeprecation`), and launchable again
 * by exactly the accounts of the channels it was promoted to, unless retention retired it — the grants Share and the
 * organization re-grant plan for any version those channels hold (`grantHeldChannels`). No pointer
 * moves: a channel names it again only through the channel's own path. The "built on revoked" flags its revocation
 * wrote on the versions built on it are cleared (`clearRestoredFlags`). Refused, nothing changed, when the version is
 * unknown, deleted, not revoked, or a revocation of it is still scheduled. A repeat finishes what is left and announces
 * nothing twice.
 */
export async function restoreVersion(
  request: RestoreRequest,
  plans: Record<string, PromotionPlan>,
): Promise<RestoreResult> {
  const plan = plans[request.image];
  if (!plan) throw new RestoreRefused(404, `unknown image "${request.image}"`);
  const what = `${request.image} ${request.version}`;
  const [state, revocation, scheduled] = await Promise.all([
    readImageState(plan, undefined, { consistent: true }),
    getRevocation(request.image, request.version),
    getScheduledRevocation(request.image, request.version),
  ]);
  if (!state.builds.some((b) => b.version === request.version)) {
    throw new RestoreRefused(404, `unknown version ${request.version} of ${request.image}`);
  }
  const open = scheduled && !scheduled.cancelledAt && !scheduled.supersededAt;
  if (open && Date.parse(scheduled.dueAt) > request.at.getTime()) {
    throw new RestoreRefused(
      409,
      `${what} is not revoked: its revocation is scheduled for ${scheduled.dueAt}; to call it off, run goldsmith revoke ${request.image} ${request.version} --cancel. Nothing changed.`,
    );
  }
  if (revocation?.state !== 'revoked' && revocation?.state !== 'restored') {
    const only = revocation?.state === 'requested' ? ' (a revocation is only requested, waiting for an operator)' : '';
    throw new RestoreRefused(409, `${what} is not revoked${only}: nothing to restore. Nothing changed.`);
  }
  const build = state.builds.find((b) => b.version === request.version);
  if (build?.deletedAt) {
    throw new RestoreRefused(409, `${what} was deleted at ${build.deletedAt}: nothing to restore. Nothing changed.`);
  }
  const revokedAt = revocation.revokedAt ?? revocation.at;
  const at = request.at.toISOString();
  const firstTime =
    revocation.state === 'revoked' &&
    (await markRestored({
      image: request.image,
      version: request.version,
      revokedAt,
      reason: request.reason,
      by: request.by,
      at,
    }));
  const restored = firstTime ? { at, by: request.by } : await restoredRecord(request.image, request.version);
  // Recorded restored: the flags its revocation wrote on the versions built on it no longer hold them.
  const flagsCleared = await clearRestoredFlags({ image: request.image, version: request.version, ...restored }, plans);
  const outputs = await buildOutputs(state, request.version);
  const retentionTime = build?.loaded?.deprecateAt ? new Date(build.loaded.deprecateAt) : undefined;
  // Retired by retention (out of every channel's keep), it stays deprecated and shared with nobody.
  const amisUndeprecated = build?.retiredAt
    ? 0
    : await undoRevocationDeprecation(outputs.amis, retentionTime, new Date());
  const granted = build?.retiredAt
    ? { channels: [], calls: 0 }
    : await grantHeldChannels(plan, request.version, outputs.amis);
  if (firstTime) {
    await announce(
      announcement(
        'version-restored',
        { image: request.image, version: request.version },
        { by: request.by, reason: request.reason, revokedAt, revokedFor: revocation.reason },
        // Restored again after a second revocation: its own announcement.
        { at, key: revokedAt },
      ),
    );
  }
  return {
    image: request.image,
    version: request.version,
    firstTime,
    revokedAt,
    restoredAt: restored.at,
    restoredBy: restored.by,
    channels: granted.channels,
    grantCalls: granted.calls,
    amis: outputs.amis.length,
    amisUndeprecated,
    flagsCleared,
  };
}

/** The restore recorded before (a repeat, or a retry that lost the race): when and by whom. */
async function restoredRecord(image: string, version: string): Promise<{ at: string; by: string }> {
  const now = await getRevocation(image, version);
  if (now?.state !== 'restored' || !now.restoredAt) {
    throw new RestoreRefused(409, `${image} ${version} was revoked again meanwhile: nothing restored`);
  }
  return { at: now.restoredAt, by: now.restoredBy ?? 'goldsmith' };
}
