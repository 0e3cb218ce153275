import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LedgerBuildCost } from '../../core/cost/build-record.js';
import { buildSk, imagePk } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';

/**
 * Writes a finished build's cost estimate onto its ledger item (`cost`), once: a re-delivered final status or the
 * reconciler's second look keeps the first estimate (`if_not_exists`).
 */
export async function recordBuildCost(image: string, version: string, cost: LedgerBuildCost): Promise<void> {
  const table = ledgerTable();
  await documentClient().send(
    new UpdateCommand({
      TableName: table,
      Key: { pk: imagePk(image), sk: buildSk(version) },
      UpdateExpression: 'SET cost = if_not_exists(cost, :cost)',
      ExpressionAttributeValues: { ':cost': cost },
    }),
  );
}
