import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk } from '../../core/ledger/keys.js';
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
