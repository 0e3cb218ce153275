import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { buildSk, imagePk } from '../core/ledger/keys.js';
import type { LedgerBuildView } from '../core/reconcile/decide.js';
import { type ReconciledRecord, reconciledSk } from '../core/reconcile/record.js';
import { batchGetItems } from './batch-get.js';
import { documentClient, ledgerTable } from './clients/dynamodb.js';
import { putItemOnce } from './ledger-writes.js';

/**
 * Which image-state statuses of a build were acted on (promotion started, failure announced), and the
 * reconciler's own records. Lives on the build item (`handledStatuses`, a string set) and `RECONCILED#` items in
 * the image's partition.
 */

const strings = (value: unknown): string[] =>
  value instanceof Set ? [...value].filter((s): s is string => typeof s === 'string') : [];

/**
 * Marks `status` of a build as handled, after its action completed. A set ADD: marking twice changes nothing.
 */
export async function markBuildHandled(image: string, version: string, status: string, at: string): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: { pk: imagePk(image), sk: buildSk(version) },
      UpdateExpression: 'SET handledAt = :at ADD handledStatuses :status',
      ExpressionAttributeValues: { ':at': at, ':status': new Set([status]) },
    }),
  );
}

/** The key `buildHandlings` answers under: `<image>#<version>`. */
export const buildKey = (image: string, version: string): string => `${image}#${version}`;

/**
 * What the ledger knows about each build's statuses, in as few reads as possible (BatchGetItem, 100 keys a
 * request, unprocessed keys retried). Builds the ledger has no record of are absent from the answer.
 */
export async function buildHandlings(
  builds: readonly { image: string; version: string }[],
): Promise<Map<string, LedgerBuildView>> {
  const found = new Map<string, LedgerBuildView>();
  const keys = builds.map((b) => ({ pk: imagePk(b.image), sk: buildSk(b.version) }));
  const items = await batchGetItems(ledgerTable(), keys, { expression: 'pk, sk, statusesSeen, handledStatuses' });
  for (const item of items) {
    const image = String(item.pk).slice(imagePk('').length);
    const version = String(item.sk).slice(buildSk('').length);
    found.set(buildKey(image, version), {
      statusesSeen: strings(item.statusesSeen),
      handledStatuses: strings(item.handledStatuses),
    });
  }
  return found;
}

/**
 * Records one reconciliation, once: the item is written only if absent.
 * @returns false when it was recorded before (a repeated or concurrent run): it must not be counted again.
 */
export async function recordReconciliation(record: ReconciledRecord): Promise<boolean> {
  return putItemOnce({ pk: imagePk(record.image), sk: reconciledSk(record.version, record.status), ...record });
}
