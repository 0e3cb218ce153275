import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { imagePk } from '../../core/ledger/keys.js';
import type { LedgerItem } from '../../core/status/ledger-item.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { batchGetItems } from '../ledger/batch-get.js';

/**
 * The ledger items an approval request's diff is made from (core/sbom/approval-changes.ts): `CONTENT#<version>` of
 * each version (one BatchGetItem: exact keys, as `CONTENT#1.0.0/1` is a prefix of `CONTENT#1.0.0/10`), each
 * version's inventory parts (`INVENTORY#<version>#…`, a paginated Query each: how many parts there are is in the
 * parts themselves), and every `SCAN#` item of the image (one paginated Query: the findings of earlier versions tell a
 * finding that reappeared from a new one). Strongly consistent: the gate wrote the scan just before.
 */
export async function readApprovalSbomItems(image: string, of: readonly string[]): Promise<LedgerItem[]> {
  const pk = imagePk(image);
  const versions = [...new Set(of)];
  const query = async (prefix: string): Promise<LedgerItem[]> => {
    const items: LedgerItem[] = [];
    const pages = paginateQuery(
      { client: documentClient() },
      {
        TableName: ledgerTable(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  };
  const [contents, ...queried] = await Promise.all([
    batchGetItems(
      ledgerTable(),
      versions.map((v) => ({ pk, sk: `CONTENT#${v}` })),
    ),
    query('SCAN#'),
    ...versions.map((v) => query(`INVENTORY#${v}#`)),
  ]);
  return [...contents, ...queried.flat()];
}
