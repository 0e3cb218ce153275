import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { type OpenWorkKind, openWorkIndex } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';

/**
 * Every ledger item of one kind of open work, from the sparse `open-work` index (core/ledger/keys.ts): one paginated
 * Query whatever the size of the ledger's history. The index is eventually consistent
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html: "All reads from
 * GSIs ... are eventually consistent"): an item opened a moment
 * ago may be missing and one closed a moment ago may still be listed, so `filter` restates the item's open condition
 * and callers act through conditional writes.
 */
export async function openWorkItems<T>(
  kind: OpenWorkKind,
  filter?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
  /** Only these attributes of each item (a projection), when the items are large and the caller needs few. */
  attributes?: readonly string[],
  /** Another stage's ledger than the function's (`goldsmith preflight --stage` reads the stage's with the operators' credentials). */
  at?: { table: string; region: string },
): Promise<T[]> {
  const table = at?.table ?? ledgerTable();
  const found: T[] = [];
  const pages = paginateQuery(
    { client: documentClient(at?.region) },
    {
      TableName: table,
      IndexName: openWorkIndex.name,
      KeyConditionExpression: '#open = :kind',
      ...(filter ? { FilterExpression: filter.expression } : {}),
      ...(attributes ? { ProjectionExpression: attributes.map((_, i) => `#p${i}`).join(', ') } : {}),
      ExpressionAttributeNames: {
        '#open': openWorkIndex.partitionKey,
        ...filter?.names,
        ...Object.fromEntries((attributes ?? []).map((a, i) => [`#p${i}`, a])),
      },
      ExpressionAttributeValues: { ':kind': kind, ...filter?.values },
    },
  );
  for await (const page of pages) found.push(...((page.Items ?? []) as T[]));
  return found;
}
