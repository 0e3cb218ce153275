import { withdrawalsIfRevokedNow } from '../lifecycle/revoke-plan.js';
import { promotionPlans } from '../promotion/plans.js';
import { Refusal } from './refusal.js';

/**
 * An operator's revocation that would leave a channel's pointer empty (no earlier launchable version promoted there)
 * waits for `--withdraw` (the request's `withdraw: true`): a slip must not leave the channel's consumers with no AMI.
 * The catalog's own revocations (`revokeOn`, a parent's cascade) withdraw what they must.
 */

/**
 * The refusal (409) of a revocation that would withdraw `channels`' pointers: why, and what else there is to do. `now`:
 * a revocation now (nothing revoked); `later`: one scheduled for later (nothing scheduled); `finish`: a repeat of one
 * revoked already whose run had not planned those withdrawals (nothing more done).
 */
export function withdrawalNeedsConsent(
  request: { image: string; version: string },
  channels: readonly string[],
  when: 'now' | 'later' | 'finish',
): Refusal {
  const which = channels.join(', ');
  const subject = `${request.image} ${request.version}`;
  const what = {
    now: `revoking ${subject} would withdraw the pointer of ${which}`,
    later: `revoking ${subject} would withdraw the pointer of ${which} were it carried out now`,
    finish: `${subject} is revoked already, and finishing its revocation would now withdraw the pointer of ${which}, which its run had not planned`,
  }[when];
  const done = { now: 'Nothing was revoked', later: 'Nothing was scheduled', finish: 'Nothing more was done' }[when];
  const those = channels.length > 1 ? 'those channels' : 'that channel';
  return new Refusal(
    409,
    `${what}: no earlier launchable version was promoted there, so consumers of ${those} would find no AMI until ` +
      `the next promotion. ${done}. To revoke it all the same, run the revoke again with --withdraw; to keep the ` +
      'channel served, promote a replacement there first',
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
  if (channels.length > 0) throw withdrawalNeedsConsent(request, channels, 'later');
}
