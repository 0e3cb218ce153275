import { GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { buildSk, imagePk } from '../core/ledger/keys.js';
import type { LedgerItem } from '../core/status/image-view.js';
import { documentClient } from './clients/dynamodb.js';

/**
 * Every ledger item of one image (its whole partition, paginated, strongly consistent), for the health gauges and
 * the operator's `status` / `history`. `table` defaults to the function's `LEDGER_TABLE`.
 */
export async function readImagePartition(image: string, table = process.env.LEDGER_TABLE): Promise<LedgerItem[]> {
  if (!table) throw new Error('LEDGER_TABLE is not set');
  const items: LedgerItem[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': imagePk(image) },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) items.push(...((page.Items ?? []) as LedgerItem[]));
  return items;
}

/** One build's ledger record (`BUILD#<version>`), if any. */
export async function getBuildRecord(image: string, version: string): Promise<LedgerItem | undefined> {
  const table = process.env.LEDGER_TABLE;
  if (!table) throw new Error('LEDGER_TABLE is not set');
  const out = await documentClient().send(
    new GetCommand({ TableName: table, Key: { pk: imagePk(image), sk: buildSk(version) }, ConsistentRead: true }),
  );
  return out.Item;
}
