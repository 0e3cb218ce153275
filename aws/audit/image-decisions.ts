import { skPrefix } from '../../core/ledger/keys.js';
import { readImagePartitionByPrefix } from '../ledger/image-partition.js';
import type { RevocationItem } from '../lifecycle/lifecycle-ledger.js';
import type { ScheduledRevocation } from '../lifecycle/scheduled-revocations.js';
import type { OutcomeRecord } from '../promotion/promotion-ledger.js';

/** An image's channel decisions, revocations and scheduled revocations, raw as their own readers return them. */
export interface DecisionsAndRevocations {
  /** `PROMOTION#…` (listOutcomes). */
  outcomes: OutcomeRecord[];
  /** `REVOCATION#…` (listRevocations). */
  revocations: RevocationItem[];
  /** `REVOKE-AT#…`, cancelled ones included. */
  scheduled: ScheduledRevocation[];
}

/**
 * An image's `PROMOTION#`, `REVOCATION#` and `REVOKE-AT#` items in one paginated Query instead of three: the three
 * prefixes are next to each other in the partition's sort-key order, so one range holds them and nothing else the
 * ledger writes (aws/ledger/image-partition.ts, which bills it as three would). Eventually consistent, as each of the three
 * reads was.
 */
export async function readDecisionsAndRevocations(image: string): Promise<DecisionsAndRevocations> {
  const { promotion, revocation, scheduledRevocation } = skPrefix;
  const read = await readImagePartitionByPrefix(image, [[promotion, revocation, scheduledRevocation]], {
    consistent: false,
  });
  return {
    outcomes: read.of<OutcomeRecord>(promotion),
    revocations: read.of<RevocationItem>(revocation),
    scheduled: read.of<ScheduledRevocation>(scheduledRevocation),
  };
}
