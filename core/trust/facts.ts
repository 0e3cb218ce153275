import type { ImagePromotedDetail } from '../../events/image-promoted.js';
import { GoldsmithError } from '../errors.js';

/**
 * Facts on Goldsmith's bus are checked against the ledger before anything acts on them: the bus policy decides who
 * may speak, the ledger decides whether what they say is true. A contradicted fact is refused whole, with the reason.
 */
export class FactContradictsLedgerError extends GoldsmithError {
  constructor(readonly reason: string) {
    super(`fact refused: ${reason}`);
    this.name = 'FactContradictsLedgerError';
  }
}

/** What the ledger holds about one build's channel. */
export interface RecordedOutcome {
  outcome: string;
  amis?: readonly { region: string; imageId: string }[] | undefined;
}

/**
 * Why an "Image Promoted" contradicts the ledger, or undefined when the ledger agrees: the ledger must hold a
 * `promoted` outcome for that image, version and channel, and the event's AMIs must be the ones recorded.
 */
export function imagePromotedContradiction(
  fact: ImagePromotedDetail,
  recorded: RecordedOutcome | undefined,
): string | undefined {
  const what = `"Image Promoted" ${fact.image} ${fact.version} to ${fact.channel}`;
  if (!recorded) return `${what}: the ledger never promoted that version to that channel`;
  if (recorded.outcome !== 'promoted') return `${what}: the ledger records it ${recorded.outcome}`;
  if (recorded.amis) {
    const key = (amis: readonly { region: string; imageId: string }[]) =>
      amis
        .map((a) => `${a.region}=${a.imageId}`)
        .sort()
        .join(',');
    if (key(recorded.amis) !== key(fact.amis)) {
      return `${what}: AMIs ${key(fact.amis)} differ from the promoted ${key(recorded.amis)}`;
    }
  }
  return undefined;
}
