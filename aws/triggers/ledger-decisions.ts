import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { GoldsmithError } from '../../core/errors.js';
import { DECISIONS_PER_INSTANT, decisionSk, imagePk, ttlAfter } from '../../core/ledger/keys.js';
import { DECISION_TTL_DAYS, type DecisionRecord } from '../../core/ledger/records.js';
import type { Decision } from '../../core/triggers/decide.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { putItemOnce } from '../ledger/ledger-writes.js';

/** The trigger decisions of the ledger: each written once (`attribute_not_exists`), never replaced. */

/** Thrown when one instant already holds every decision key of a dedupe key: nothing is overwritten. */
export class DecisionKeysExhaustedError extends GoldsmithError {
  constructor(sk: string) {
    super(`${sk}: ${DECISIONS_PER_INSTANT} decisions already recorded at this instant; none is replaced`);
    this.name = 'DecisionKeysExhaustedError';
  }
}

/** True when a stored decision is this one (a retry of the same write after its effect). */
function sameDecision(stored: Record<string, unknown> | undefined, item: DecisionRecord): boolean {
  return (
    stored !== undefined &&
    stored.outcome === item.outcome &&
    stored.reason === item.reason &&
    stored.buildVersionArn === item.buildVersionArn
  );
}

/**
 * Appends one decision (start or skip, with its reason) to the image's partition. A decision once written is never
 * replaced: another delivery of the same change deciding otherwise at the same instant is recorded under a key of its
 * own (core/ledger/keys.ts decisionSk), and a retry of a write that already took effect changes nothing.
 */
export async function recordDecision(
  decision: Decision,
  outcome: { outcome: 'start' | 'skip'; reason: string; buildVersionArn?: string },
  at: Date,
): Promise<void> {
  const decidedAt = at.toISOString();
  const base: Omit<DecisionRecord, 'sk'> = {
    pk: imagePk(decision.image),
    kind: 'decision',
    image: decision.image,
    trigger: decision.trigger,
    changeId: decision.changeId,
    dedupeKey: decision.dedupeKey,
    clientToken: decision.clientToken,
    outcome: outcome.outcome,
    reason: outcome.reason,
    decidedAt,
    ...(outcome.buildVersionArn === undefined ? {} : { buildVersionArn: outcome.buildVersionArn }),
    expiresAt: ttlAfter(at, DECISION_TTL_DAYS),
  };
  for (let delivery = 1; delivery <= DECISIONS_PER_INSTANT; delivery++) {
    const item: DecisionRecord = { ...base, sk: decisionSk(decidedAt, decision.dedupeKey, delivery) };
    if (await putItemOnce({ ...item })) return;
    const stored = await documentClient().send(
      new GetCommand({ TableName: ledgerTable(), Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }),
    );
    if (sameDecision(stored.Item, item)) return;
  }
  throw new DecisionKeysExhaustedError(decisionSk(decidedAt, decision.dedupeKey));
}
