import { withdrawalsIfRevokedNow } from '../lifecycle/revoke-plan.js';
import { promotionPlans } from '../promotion/plans.js';
import { Refusal } from './refusal.js';

/**
 * An operator's revocation that would leave a channel's pointer empty (no earlier launchable version promoted there)
 * waits for `--withdraw` (the request's `withdraw: true`): a slip must not leave the channel's consumers with no AMI.
 * The catalog's own revocations (`revokeOn`, a parent's cascade) withdraw what they must.
 */

/** The refusal (409) of a revocation that would withdraw `channels`' pointers: why, and what else there is to do. */
export function withdrawalNeedsConsent(
  request: { image: string; version: string },
  channels: readonly string[],
  later = false,
): Refusal {
  const which = channels.join(', ');
  const scheduled = later ? ' were it carried out now' : '';
  return new Refusal(
    409,
    `revoking ${request.image} ${request.version} would withdraw the pointer of ${which}${scheduled}: no earlier ` +
      `launchable version was promoted there, so consumers of ${channels.length > 1 ? 'those channels' : 'that channel'} ` +
      'would find no AMI until the next promotion. Nothing was revoked. To revoke it all the same, run the revoke ' +
      'again with --withdraw; to keep the channel served, promote a replacement there first',
  );
}

/**
 * Refuses a revocation scheduled for later (`--at T`) without `withdraw` that would withdraw a channel's pointer
 * were it carried out now: asked a minute ahead, it would empty the channel as surely as one asked now. When it is
 * due, it withdraws what it must then, as consented or as the channels stand at T.
 */
export async function requireWithdrawConsent(request: {
  image: string;
  version: string;
  withdraw?: true | undefined;
}): Promise<void> {
  if (request.withdraw === true) return;
  const channels = await withdrawalsIfRevokedNow(request.image, request.version, promotionPlans());
  if (channels.length > 0) throw withdrawalNeedsConsent(request, channels, true);
}
