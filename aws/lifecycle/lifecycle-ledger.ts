import { DeleteCommand, PutCommand, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { buildSk, imagePk, imageViewKeys, rollbackSk } from '../../core/ledger/keys.js';
import type { AwaitedParent } from '../../core/lifecycle/lineage-hold.js';
import type { ChannelPointer, RegionAmi } from '../../core/promotion/types.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite, putItemOnce } from '../ledger/ledger-writes.js';

import { versionKey } from '../promotion/promotion-ledger.js';
import type { RevocationRecord } from './promotion-findings.js';

/**
 * The lifecycle side of the ledger: build items' `retiredAt` / `deletingAmis` / `deletedAt` / `flaggedBy`,
 * revocations (`REVOCATION#<version>`), rollbacks (`ROLLBACK#<channel>#<from>[#<at>]`), and pointer moves backwards.
 */

/**
 * Every item of an image's partition whose sort key starts with `prefix` (paginated); with `attributes`, only those
 * attributes of each (a projection: what the caller decides from when the items are large and it needs few). A
 * projection makes the answer smaller, not the read: DynamoDB bills the whole items
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html).
 */
export async function queryPrefix<T>(
  image: string,
  prefix: string,
  attributes?: readonly string[],
  /** A strongly consistent read: every write acknowledged before it is in the answer. */
  consistent = false,
): Promise<T[]> {
  const items: T[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: ledgerTable(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': imagePk(image), ':prefix': prefix },
      ...(consistent ? { ConsistentRead: true } : {}),
      ...(attributes?.length
        ? {
            ProjectionExpression: attributes.map((_, i) => `#p${i}`).join(', '),
            ExpressionAttributeNames: Object.fromEntries(attributes.map((a, i) => [`#p${i}`, a])),
          }
        : {}),
    },
  );
  for await (const page of pages) items.push(...((page.Items ?? []) as T[]));
  return items;
}

/** A build item as the lifecycle reads it. */
export interface LifecycleBuild {
  buildVersion?: string;
  sk: string;
  buildVersionArn?: string;
  status?: string;
  updatedAt?: string;
  requestedAt?: string;
  parent?: { image: string; channel: string; buildVersion?: string } | null;
  retiredAt?: string;
  deletingAmis?: RegionAmi[];
  deletedAt?: string;
  /** What LoadImage read of the build; `deprecateAt`: when `retention.deprecateAfter` deprecates its AMIs. */
  loaded?: { deprecateAt?: string };
  /** Built on a revoked version: when and why a revocation flagged it (`flagDescendant`). */
  flaggedAt?: string;
  flaggedReason?: string;
}

/**
 * Every build item of an image (paginated); with `attributes`, only those of each (`sk`, from which the version
 * comes, is always read); `consistent`: strongly consistent.
 */
export async function listBuilds(
  image: string,
  attributes?: readonly (keyof LifecycleBuild)[],
  consistent = false,
): Promise<(LifecycleBuild & { version: string })[]> {
  const items = await queryPrefix<LifecycleBuild>(image, 'BUILD#', attributes && ['sk', ...attributes], consistent);
  return items.map((b) => ({ ...b, version: b.sk.slice('BUILD#'.length) }));
}

/** A revocation (`REVOCATION#<version>`, RevocationRecord), with the channels carrying it out left empty. */
export interface RevocationItem extends RevocationRecord {
  /** The channels the revocation left empty (no earlier launchable version): nothing is rebuilt on them. */
  withdrawn?: string[];
}

/** Every revocation of an image (paginated); `consistent`: strongly consistent. */
export async function listRevocations(image: string, consistent = false): Promise<RevocationItem[]> {
  return queryPrefix<RevocationItem>(image, 'REVOCATION#', undefined, consistent);
}

/** Writes the AMIs a deletion is about to remove (the intent, before the effect), once. */
export async function markDeleting(image: string, version: string, amis: readonly RegionAmi[]): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: { pk: imagePk(image), sk: buildSk(version) },
      UpdateExpression: 'SET deletingAmis = if_not_exists(deletingAmis, :amis)',
      ExpressionAttributeValues: { ':amis': amis },
    }),
  );
}

/** Marks a build deleted (its AMIs deregistered, snapshots and Image Builder image deleted), once. */
export async function markDeleted(image: string, version: string, at: string, reason: string): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(image), sk: buildSk(version) },
        UpdateExpression: 'SET deletedAt = :at, deletedReason = :reason',
        ConditionExpression: 'attribute_exists(sk) AND attribute_not_exists(deletedAt)',
        ExpressionAttributeValues: { ':at': at, ':reason': reason },
      }),
    ),
  );
}

/**
 * Flags a descendant build as built on a revoked parent: it is rebuilt from the rolled-back parent, or, with
 * `awaits`, waits for a new parent version on the channel the revocation left empty.
 */
export async function flagDescendant(
  image: string,
  version: string,
  reason: string,
  at: string,
  awaits?: AwaitedParent,
  via?: AwaitedParent,
): Promise<void> {
  const set = [
    'flaggedAt = if_not_exists(flaggedAt, :at)',
    'flaggedReason = if_not_exists(flaggedReason, :r)',
    ...(awaits ? ['flagAwaits = if_not_exists(flagAwaits, :awaits)'] : []),
    ...(via ? ['flagVia = if_not_exists(flagVia, :via)'] : []),
  ];
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: { pk: imagePk(image), sk: buildSk(version) },
      UpdateExpression: `SET ${set.join(', ')}`,
      ConditionExpression: 'attribute_exists(sk)',
      ExpressionAttributeValues: {
        ':at': at,
        ':r': reason,
        ...(awaits ? { ':awaits': awaits } : {}),
        ...(via ? { ':via': via } : {}),
      },
    }),
  );
}

/**
 * Moves a channel pointer back from `from` to `to` (rollback), only if it still names `from`: a promotion that
 * moved it on since wins, and a retry after success finds `to` and changes nothing.
 * @returns false when the pointer no longer names `from`.
 */
export async function rollBackChannelPointer(from: string, to: ChannelPointer): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new PutCommand({
        TableName: ledgerTable(),
        Item: {
          pk: imagePk(to.image),
          sk: `CHANNEL#${to.channel}`,
          ...imageViewKeys(to.image, `CHANNEL#${to.channel}`),
          kind: 'channel',
          ...to,
          versionKey: versionKey(to.version),
          rolledBackFrom: from,
        },
        ConditionExpression: 'version = :from',
        ExpressionAttributeValues: { ':from': from },
      }),
    ),
  );
}

/** Removes a channel pointer that still names `from` (withdrawal: nothing launchable is left to point at). */
export async function withdrawChannelPointer(image: string, channel: string, from: string): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new DeleteCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(image), sk: `CHANNEL#${channel}` },
        ConditionExpression: 'version = :from',
        ExpressionAttributeValues: { ':from': from },
      }),
    ),
  );
}

/**
 * The audit trail of a pointer moved backwards or withdrawn by a revocation (`ROLLBACK#<channel>#<from>`), or moved by
 * an operator's rollback, back or forward again (`operator`; `ROLLBACK#<channel>#<from>#<at>`: a channel rolled back,
 * forward and back again keeps each move; the forward one recorded `direction: 'forward'`). Idempotent: the same move
 * overwrites itself.
 */
export async function recordRollback(r: {
  image: string;
  channel: string;
  from: string;
  to: string | null;
  reason: string;
  by: string;
  at: string;
  operator?: 'back' | 'forward';
}): Promise<void> {
  const { operator, ...move } = r;
  const sk = rollbackSk(r.channel, r.from, operator ? r.at : undefined);
  await documentClient().send(
    new PutCommand({
      TableName: ledgerTable(),
      Item: {
        pk: imagePk(r.image),
        sk,
        kind: 'rollback',
        ...move,
        ...(operator === 'forward' && { direction: 'forward' }),
      },
    }),
  );
}

/**
 * Records an out-of-cycle rebuild for a live version hit by a finding (`OUTOFCYCLE#<version>`), once.
 * @returns false when one was recorded before (a re-delivered finding).
 */
export async function recordOutOfCycle(r: {
  image: string;
  version: string;
  channels: string[];
  reason: string;
  findingAt: string;
}): Promise<boolean> {
  return putItemOnce({ pk: imagePk(r.image), sk: `OUTOFCYCLE#${r.version}`, kind: 'out-of-cycle', ...r });
}
