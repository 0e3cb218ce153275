import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { buildSk, imagePk } from '../core/ledger/keys.js';
import type { LedgerBuildView } from '../core/reconcile/decide.js';
import { type ReconciledRecord, reconciledSk } from '../core/reconcile/record.js';
import { documentClient } from './clients/dynamodb.js';
import { isConditionFailure } from './promotion-ledger.js';

/**
 * Which image-state statuses of a build were acted on (promotion started, failure announced), and the
 * reconciler's own records. Lives on the build item (`handledStatuses`, a string set) and `RECONCILED#` items in
 * the image's partition.
 */

function table(): string {
  const name = process.env.LEDGER_TABLE;
  if (!name) throw new Error('LEDGER_TABLE is not set');
  return name;
}

const strings = (value: unknown): string[] =>
  value instanceof Set ? [...value].filter((s): s is string => typeof s === 'string') : [];

/**
 * Marks `status` of a build as handled, after its action completed. A set ADD: marking twice changes nothing.
 */
export async function markBuildHandled(image: string, version: string, status: string, at: string): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { pk: imagePk(image), sk: buildSk(version) },
      UpdateExpression: 'SET handledAt = :at ADD handledStatuses :status',
      ExpressionAttributeValues: { ':at': at, ':status': new Set([status]) },
    }),
  );
}

/** What the ledger knows about a build's statuses; undefined when it has no record of the build. */
export async function buildHandling(image: string, version: string): Promise<LedgerBuildView | undefined> {
  const out = await documentClient().send(
    new GetCommand({
      TableName: table(),
      Key: { pk: imagePk(image), sk: buildSk(version) },
      ConsistentRead: true,
      ProjectionExpression: 'statusesSeen, handledStatuses',
    }),
  );
  if (!out.Item) return undefined;
  return { statusesSeen: strings(out.Item.statusesSeen), handledStatuses: strings(out.Item.handledStatuses) };
}

/**
 * Records one reconciliation, once: the item is written only if absent.
 * @returns false when it was recorded before (a repeated or concurrent run): it must not be counted again.
 */
export async function recordReconciliation(record: ReconciledRecord): Promise<boolean> {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: table(),
        Item: { pk: imagePk(record.image), sk: reconciledSk(record.version, record.status), ...record },
        ConditionExpression: 'attribute_not_exists(sk)',
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}
