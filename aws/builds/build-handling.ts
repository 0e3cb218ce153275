import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { buildSk, imagePk, openWork, openWorkIndex } from '../../core/ledger/keys.js';
import { ACTIONABLE_STATUSES, type LedgerBuildView } from '../../core/reconcile/decide.js';
import { type ReconciledRecord, reconciledSk } from '../../core/reconcile/record.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { batchGetItems } from '../ledger/batch-get.js';
import { isConditionFailure, putItemOnce } from '../ledger/ledger-writes.js';
import { type OpenWork, type OpenWorkRequest, openItemsOf } from '../ledger/open-work.js';

/**
 * Which image-state statuses of a build were acted on (promotion started, failure announced), and the
 * reconciler's own records. Lives on the build item (`handledStatuses`, a string set) and `RECONCILED#` items in
 * the image's partition.
 */

const strings = (value: unknown): string[] =>
  value instanceof Set ? [...value].filter((s): s is string => typeof s === 'string') : [];

/**
 * Marks `status` of a build as handled, after its action completed. A set ADD: marking twice changes nothing. A
 * final status (AVAILABLE, FAILED, CANCELLED) closes the build's open work (`unfinished-build`) in the same write.
 */
export async function markBuildHandled(image: string, version: string, status: string, at: string): Promise<void> {
  const final = (ACTIONABLE_STATUSES as readonly string[]).includes(status);
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: { pk: imagePk(image), sk: buildSk(version) },
      UpdateExpression: `SET handledAt = :at ADD handledStatuses :status${final ? ' REMOVE #open' : ''}`,
      ...(final ? { ExpressionAttributeNames: { '#open': openWorkIndex.partitionKey } } : {}),
      ExpressionAttributeValues: { ':at': at, ':status': new Set([status]) },
    }),
  );
}

/** A build the ledger holds open (`unfinished-build`): started by Goldsmith, its final status not yet handled. */
export interface OpenBuild {
  image: string;
  version: string;
  buildVersionArn: string;
  handledStatuses: string[];
}

/** The open-work index's builds Goldsmith started and has not seen finish. */
export const OPEN_BUILDS: OpenWorkRequest = { kind: openWork.build };

/** Every open build, from the open-work index (one paginated Query, eventually consistent). */
export async function openBuilds(read?: OpenWork): Promise<OpenBuild[]> {
  const items = await openItemsOf<Record<string, unknown>>(OPEN_BUILDS, read);
  return items.flatMap((item) => {
    const image = typeof item.image === 'string' ? item.image : undefined;
    const version = typeof item.buildVersion === 'string' ? item.buildVersion : undefined;
    const arn = typeof item.buildVersionArn === 'string' ? item.buildVersionArn : undefined;
    return image && version && arn
      ? [{ image, version, buildVersionArn: arn, handledStatuses: strings(item.handledStatuses) }]
      : [];
  });
}

/**
 * Closes a build's open work found already handled (its open mark outlived the handling, e.g. the start recorded
 * after the final status was): conditional on the status being handled, so nothing still to do is closed.
 */
export async function closeOpenBuild(image: string, version: string, status: string): Promise<void> {
  await documentClient()
    .send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(image), sk: buildSk(version) },
        UpdateExpression: 'REMOVE #open',
        ConditionExpression: 'contains(handledStatuses, :status)',
        ExpressionAttributeNames: { '#open': openWorkIndex.partitionKey },
        ExpressionAttributeValues: { ':status': status },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
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
