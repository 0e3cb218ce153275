import { listHolds, releaseHold } from '../../aws/fleet/usage-ledger.js';
import { announce } from '../../aws/notifications/notifications.js';
import { announcement } from '../../core/notifications/announce.js';
import type { OperatorRequestOf } from '../../events/operator-request.js';
import { Refusal } from './refusal.js';

/**
 * `goldsmith lifecycle release IMAGE VERSION --reason R`: an operator lets the next lifecycle sweep delete a version
 * that retention holds only because member accounts still use it. Recorded on the hold (who, why, when) and
 * announced once; a repeat answers that it was released before and changes nothing. Only a held version can be
 * released: every other hold (a pointer, retention, a descendant) stays the sweep's to decide.
 */
export async function release(request: OperatorRequestOf<'release'>, caller: string, at: Date) {
  const hold = (await listHolds(request.image)).find((h) => h.version === request.version);
  if (!hold) {
    throw new Refusal(404, `${request.image} ${request.version} is not held for its users: nothing to release`);
  }
  const subject = { image: request.image, version: request.version };
  if (hold.releasedAt) {
    return { ...subject, releasedAt: hold.releasedAt, releasedBy: hold.releasedBy, alreadyReleased: true };
  }
  const when = at.toISOString();
  if (!(await releaseHold(request.image, request.version, { by: caller, reason: request.reason, at: when }))) {
    throw new Refusal(409, `${request.image} ${request.version} was released at the same moment by someone else`);
  }
  await announce(
    announcement(
      'hold-released',
      subject,
      { by: caller, reason: request.reason, accounts: hold.accounts.length, instances: hold.instances },
      { at: when },
    ),
  );
  return { ...subject, releasedAt: when, releasedBy: caller, reason: request.reason, accounts: hold.accounts.length };
}
