import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { buildSk, imagePk } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';

/**
 * Restoring a revoked version (`restore IMAGE VERSION --reason R`): its `REVOCATION#<version>` item becomes
 * `restored` — every reader that asks "is it revoked?" (`state === 'revoked'`) sees it launchable again — and keeps
 * when, by whom and why it had been revoked. A later revocation marks it `revoked` again (markRevoked).
 */

/**
 * Records that a revoked build is restored (`restore`): no longer revoked, with who, why and when, keeping when and
 * why it had been revoked; only the revocation carried out at `revokedAt` is restored.
 * @returns false when it is not that revocation any more (restored before, or revoked again since).
 */
export async function markRestored(r: {
  image: string;
  version: string;
  revokedAt: string;
  reason: string;
  by: string;
  at: string;
}): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(r.image), sk: `REVOCATION#${r.version}` },
        UpdateExpression: 'SET #state = :restored, restoredAt = :at, restoredBy = :by, restoreReason = :reason',
        ConditionExpression: '#state = :revoked AND revokedAt = :revokedAt',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':restored': 'restored',
          ':revoked': 'revoked',
          ':revokedAt': r.revokedAt,
          ':at': r.at,
          ':by': r.by,
          ':reason': r.reason,
        },
      }),
    ),
  );
}

/**
 * Clears the flag a revocation wrote on a descendant build (`flagDescendant`) once that revocation is restored: the
 * build is no longer held by it (every reader of `flaggedAt` / `flaggedReason` sees it unflagged), and keeps the
 * flag's story in `flagCleared` (when it was flagged and why, when and by whom the parent was restored). Only a flag
 * with that revocation's `reason` is cleared: a repeat, or a flag another revocation wrote, changes nothing. One
 * UpdateItem carries both clauses, SET and REMOVE, each once
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.Modifying.html).
 * @returns false when the build holds no such flag.
 */
export async function clearRestoredFlag(c: {
  image: string;
  version: string;
  /** The flag's reason, as the revocation wrote it ("built on revoked base 1.0.0/2"). */
  reason: string;
  /** When the flag was written (`flaggedAt` as read). */
  flaggedAt: string;
  /** The parent restored: "base 1.0.0/2". */
  parent: string;
  by: string;
  at: string;
}): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(c.image), sk: buildSk(c.version) },
        UpdateExpression: 'SET flagCleared = :cleared REMOVE flaggedAt, flaggedReason, flagAwaits, flagVia',
        ConditionExpression: 'flaggedAt = :flaggedAt AND flaggedReason = :reason',
        ExpressionAttributeValues: {
          ':flaggedAt': c.flaggedAt,
          ':reason': c.reason,
          ':cleared': { flaggedAt: c.flaggedAt, reason: c.reason, parent: c.parent, by: c.by, at: c.at },
        },
      }),
    ),
  );
}
