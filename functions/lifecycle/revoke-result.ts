import type { RevocationPlan } from '../../core/lifecycle/revocation.js';
import { logger } from '../lib/powertools.js';

/** What a revocation request asks. */
export interface RevokeRequest {
  image: string;
  version: string;
  reason: string;
  by: string;
  at: Date;
  /** Part of a revocation that revokes descendants: this one revokes its own descendants too, whatever its image says. */
  cascade?: boolean | undefined;
  /**
   * Do nothing when the revocation would withdraw a channel's pointer (no earlier launchable version to roll back to):
   * an operator's revocation that did not say `--withdraw`.
   */
  refuseWithdrawal?: boolean | undefined;
}

/** What a revocation did. */
export interface RevokeResult extends RevocationPlan {
  image: string;
  version: string;
  /**
   * False when it had been revoked before: the rest was finished again, idempotently, and announced only when that
   * was an earlier attempt of this very revocation that stopped before recording its announcements made.
   */
  firstTime: boolean;
  /** Launch permissions removed (ModifyImageAttribute calls; 0 on a retry that finds none left). */
  grantCalls: number;
  /** The version's AMIs (every Region); 0 for a container image, whose versions have no launch permissions. */
  amis: number;
  amisDeprecated: number;
  descendantsFlagged: number;
  /** Descendant versions revoked with it (`revocation.descendants: 'revoke'`), at any depth: "<image> <version>". */
  descendantsRevoked: string[];
  /** Set when nothing was done: the time an operator restored the version from this revocation or a later one. */
  restoredSince?: string;
  /** Set when nothing was done: the channels whose pointer it would have withdrawn (`refuseWithdrawal`). */
  wouldWithdraw?: string[];
  /** With `wouldWithdraw`: the version was revoked already, by a run that had not planned those withdrawals. */
  revokedBefore?: boolean;
}

const NOTHING_DONE = {
  moves: [],
  rebuild: [],
  firstTime: false,
  grantCalls: 0,
  amis: 0,
  amisDeprecated: 0,
  descendantsFlagged: 0,
  descendantsRevoked: [],
} satisfies Omit<RevokeResult, 'image' | 'version'>;

/** Nothing revoked: an operator restored the version from this revocation or a later one, at `since` (logged). */
export function restoreStands(request: RevokeRequest, since: string): RevokeResult {
  logger.warn('revocation not carried out: the version was restored since', {
    image: request.image,
    version: request.version,
    at: request.at.toISOString(),
    restoredAt: since,
  });
  return { ...NOTHING_DONE, image: request.image, version: request.version, restoredSince: since };
}

/** Nothing done: it would withdraw the pointers of `channels`, and the request asked not to (`refuseWithdrawal`). */
export function withdrawalRefused(
  request: RevokeRequest,
  refused: { channels: string[]; revokedBefore: boolean },
): RevokeResult {
  const { image, version } = request;
  return { ...NOTHING_DONE, image, version, wouldWithdraw: refused.channels, revokedBefore: refused.revokedBefore };
}
