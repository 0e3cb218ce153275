import { setTimeout as sleepFor } from 'node:timers/promises';
import { BatchWriteCommand, GetCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { orgKey } from '../../core/ledger/keys.js';
import type { HeldAccountItem, HeldOuItem, HeldStateItem } from '../../core/sharing/held-organization.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { unprocessedBackoffMs } from '../ledger/batch-get.js';
import { isConditionFailure } from '../ledger/ledger-writes.js';

/**
 * The organization the ledger holds (`pk = ORG`, core/ledger/README.md): read by Share and RecordOutcome instead of
 * listing every OU of Organizations per promotion, written only by the organization-sync function.
 */

/** Every item of the held organization, strongly consistent: one Query, paginated (1 MB a page). */
export async function readHeldOrganizationItems(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: ledgerTable(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': orgKey('STATE').pk },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) items.push(...((page.Items ?? []) as Record<string, unknown>[]));
  return items;
}

/** The held organization's `STATE` item alone (one GetItem): whether anything changed since a tree was read. */
export async function readHeldOrganizationState(): Promise<Record<string, unknown> | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: orgKey('STATE'), ConsistentRead: true }),
  );
  return out.Item as Record<string, unknown> | undefined;
}

/**
 * Another organization-sync run held a new tree since this one read it (two Organizations events handled at once):
 * this run's tree lacks that change, so it must read again and re-grant from what is held then.
 */
export class HeldOrganizationChangedError extends Error {
  override readonly name = 'HeldOrganizationChangedError';
}

/** BatchWriteItem takes at most 25 puts and deletes a request. */
const BATCH = 25;
const MAX_BATCH_ATTEMPTS = 8;

/**
 * Writes what changed: the OU and account items to put, the keys to delete (25 a request, what DynamoDB leaves
 * unprocessed written again after a backoff: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html),
 * then the `STATE` item last, so a reader that sees the new state sees every item it covers. Writing the same
 * changes twice leaves the same items. The `STATE` item is written only if it still holds `readRevision` (the
 * revision this run read; none when it read none), a condition DynamoDB checks atomically with the write
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html):
 * otherwise {@link HeldOrganizationChangedError}.
 */
export async function writeHeldOrganization(
  changes: { put: readonly (HeldOuItem | HeldAccountItem)[]; remove: readonly { pk: string; sk: string }[] },
  state: HeldStateItem,
  readRevision: string | undefined,
  sleep: (ms: number) => Promise<unknown> = sleepFor,
): Promise<number> {
  const table = ledgerTable();
  const requests = [
    ...changes.put.map((item) => ({ PutRequest: { Item: item } })),
    ...changes.remove.map((key) => ({ DeleteRequest: { Key: key } })),
  ];
  let calls = 0;
  for (let i = 0; i < requests.length; i += BATCH) {
    let pending: Record<string, unknown>[] = requests.slice(i, i + BATCH);
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_BATCH_ATTEMPTS) throw new Error(`BatchWriteItem left ${pending.length} item(s) unwritten`);
      if (attempt > 1) await sleep(unprocessedBackoffMs(attempt));
      const out = await documentClient().send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      calls++;
      pending = (out.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
    }
  }
  try {
    await documentClient().send(
      new PutCommand({
        TableName: table,
        Item: state,
        ExpressionAttributeNames: { '#revision': 'revision' },
        ...(readRevision === undefined
          ? { ConditionExpression: 'attribute_not_exists(#revision)' }
          : { ConditionExpression: '#revision = :read', ExpressionAttributeValues: { ':read': readRevision } }),
      }),
    );
  } catch (error) {
    if (isConditionFailure(error))
      throw new HeldOrganizationChangedError('the held organization changed while this run read it');
    throw error;
  }
  return calls + 1;
}
