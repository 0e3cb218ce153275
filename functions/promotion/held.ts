import { flagDescendant } from '../../aws/lifecycle/lifecycle-ledger.js';
import { holdMessage, type LineageHoldFound, lineageHoldOf } from '../../aws/lifecycle/lineage-holds.js';
import { getChannelPointer } from '../../aws/promotion/channel-pointers.js';
import { BuiltOnRevokedError } from '../../core/promotion/errors.js';
import type { ChannelFacts } from '../../core/promotion/preconditions.js';

/**
 * A version built on revoked content after its revocation flagged the builds it knew of (a child built on the
 * revoked version since, or a grandchild built on a flagged child) is held here without a flag of its own: it is
 * flagged now, as the revocation would have (the hold's reason, the parent channel it waits on, the parent it is
 * rebuilt through), so `status` and `history` say why it waits. Written once (`if_not_exists`): a retried step, or
 * the next step that finds the hold, changes nothing.
 */
async function flagIfUnflagged(item: { image: string; version: string }, hold: LineageHoldFound): Promise<void> {
  if (!hold.unflagged) return;
  await flagDescendant(item.image, item.version, hold.reason, new Date().toISOString(), hold.awaits, hold.via);
}

/**
 * Stops the promotion of a build made on a revoked parent (its flag, or a revoked or flagged ancestor in its recorded
 * lineage), read from the ledger where the step decides, so a retried step sees a flag written since. Gate, SoakCheck
 * and Publish ask (Publish just before the pointer moves: a flag written after Gate or after the approval still
 * stops it); Share does not, since the failure path takes back the grants of a channel not reached
 * (RecordOutcome's regrant). So is a build whose parent (or an ancestor) an approver rejected for this channel
 * (core/promotion/rejected-parent.ts): it is held at this channel only. A hold from a revocation the version's own
 * build does not record yet is written on it first (`flagIfUnflagged`).
 * @throws BuiltOnRevokedError (Step Functions error `BuiltOnRevoked`), which RecordOutcome records as aborted.
 */
export async function stopIfHeld(
  item: { image: string; version: string; channel: { name: string } },
  facts: Pick<ChannelFacts, 'lineage'>,
): Promise<void> {
  const hold = await lineageHoldOf(item.image, item.version, facts.lineage ?? {}, item.channel.name);
  if (!hold) return;
  await flagIfUnflagged(item, hold);
  throw new BuiltOnRevokedError(holdMessage(hold));
}

/**
 * Publish's check: as `stopIfHeld`, except on a retry whose first attempt already moved the channel's pointer to
 * this version (the flag came after the move): then the move stands and Publish finishes it, as for a version
 * flagged after it was published, rather than leave a pointer naming a version whose grants are taken back.
 */
export async function stopIfHeldBeforePublish(
  item: { image: string; version: string; channel: { name: string } },
  facts: Pick<ChannelFacts, 'lineage'>,
): Promise<void> {
  const hold = await lineageHoldOf(item.image, item.version, facts.lineage ?? {}, item.channel.name);
  if (!hold) return;
  const pointer = await getChannelPointer(item.image, item.channel.name);
  if (pointer?.version === item.version) return;
  await flagIfUnflagged(item, hold);
  throw new BuiltOnRevokedError(holdMessage(hold));
}
