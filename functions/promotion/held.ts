import { lineageHoldOf } from '../../aws/lineage-holds.js';
import { heldOutcomeReason } from '../../core/lifecycle/lineage-hold.js';
import { BuiltOnRevokedError } from '../../core/promotion/errors.js';
import type { ChannelFacts } from '../../core/promotion/preconditions.js';

/**
 * Stops the promotion of a build made on a revoked parent (its flag, or a revoked or flagged ancestor in its recorded
 * lineage), read from the ledger where the step decides, so a retried step sees a flag written since. Share and
 * Publish do not ask again: what they act on already passed Gate (and SoakCheck) under the same rule, and a channel
 * half shared would be worse than one finished.
 * @throws BuiltOnRevokedError (Step Functions error `BuiltOnRevoked`), which RecordOutcome records as aborted.
 */
export async function stopIfHeld(
  item: { image: string; version: string },
  facts: Pick<ChannelFacts, 'lineage'>,
): Promise<void> {
  const hold = await lineageHoldOf(item.image, item.version, facts.lineage ?? {});
  if (hold) throw new BuiltOnRevokedError(heldOutcomeReason(hold));
}
