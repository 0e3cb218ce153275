import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type LedgerPointerView, pointerDriftPrefix } from '../../core/audit/pointers.js';
import { imagePk, imageViewKeys, skPrefix } from '../../core/ledger/keys.js';
import type { ChannelPointer } from '../../core/promotion/types.js';
import { openDrifts } from '../audit/audit-ledger.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { batchGetItems } from '../ledger/batch-get.js';
import { conditionalWrite, isConditionFailure } from '../ledger/ledger-writes.js';
import { versionKey } from './promotion-ledger.js';

/** The ledger's channel pointers: `pk = IMAGE#<image>`, `sk = CHANNEL#<channel>`, the build each channel names now. */

const sk = (channel: string) => `${skPrefix.channel}${channel}`;
const key = (image: string, channel: string) => ({ pk: imagePk(image), sk: sk(channel) });

export type { ChannelPointer } from '../../core/promotion/types.js';

/**
 * A `CHANNEL#` item as read back: the pointer, and what was stamped on it since the move wrote it (`moveRecorded`,
 * `driftRegions`: core/audit/pointers.ts `LedgerPointerView` says what each means).
 */
export type HeldChannelPointer = ChannelPointer & Pick<LedgerPointerView, 'moveRecorded' | 'driftRegions'>;

/** The attributes the stamps name (`at` is one of DynamoDB's reserved words). */
const NAMES = { '#version': 'version', '#at': 'at', '#regions': 'driftRegions' };
/** Appends to the item's list of Regions (`list_append`, from an empty list where it has none). */
const APPEND_REGIONS = '#regions = list_append(if_not_exists(#regions, :none), :regions)';

/**
 * Moves an image's channel pointer to `pointer.version`, never backwards: the write is conditional on the pointer
 * being absent or on a version no newer than this one (so re-publishing the same build is a no-op success). The move
 * is not recorded yet (`moveRecorded: false`, until `stampRecordedMove`): the audit leaves it to Publish.
 * @returns false when the pointer already names a newer build.
 */
export async function moveChannelPointer(pointer: ChannelPointer): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new PutCommand({
        TableName: ledgerTable(),
        Item: {
          ...key(pointer.image, pointer.channel),
          ...imageViewKeys(pointer.image, sk(pointer.channel)),
          kind: 'channel',
          ...pointer,
          versionKey: versionKey(pointer.version),
          moveRecorded: false,
        },
        ConditionExpression: 'attribute_not_exists(versionKey) OR versionKey <= :vk',
        ExpressionAttributeValues: { ':vk': versionKey(pointer.version) },
      }),
    ),
  );
}

/**
 * Stamps the item Publish's move wrote, once the move is recorded (`POINTER#`, Parameter Store confirmed it in every
 * Region): `moveRecorded`, and the Regions where a drift of the channel's pointer is open now (a strongly
 * consistent Query of its `DRIFT#pointer#<channel>#` records; repaired ones left out). The audit's read-back of one
 * Region's pointer then reads this item alone (functions/audit/pointers.ts): no `POINTER#` read, and no read of the
 * open drifts unless the Region is named. Only that move's own item is stamped (the `version` and `at` it wrote): a
 * pointer moved since (a newer build, a rollback, a retried Publish) is left to its own move, read as before. The
 * Regions are appended, never replaced, so a drift the audit marked meanwhile (`markPointerDrift`) stays. Idempotent.
 * Update expressions, `list_append` and `if_not_exists`:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
 * @returns false when the item is no longer the one that move wrote.
 */
export async function stampRecordedMove(move: {
  image: string;
  channel: string;
  version: string;
  at: string;
}): Promise<boolean> {
  const open = await openDrifts(move.image, pointerDriftPrefix(move.channel), true);
  const regions = [...new Set(open.flatMap((d) => (d.region ? [d.region] : [])))].sort();
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: key(move.image, move.channel),
        UpdateExpression: `SET moveRecorded = :recorded, ${APPEND_REGIONS}`,
        ConditionExpression: '#version = :version AND #at = :at',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: {
          ':recorded': true,
          ':version': move.version,
          ':at': move.at,
          ':none': [],
          ':regions': regions,
        },
      }),
    ),
  );
}

/**
 * Names `region` on the channel's item as a Region where a drift of its pointer may be open, if the pointer still
 * names `version` (the audit, before it records a drift: a read-back then reads the open drifts). Each Region is
 * named once (`NOT contains`, which holds for a list not holding the element:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html), so
 * overwrites repeated for as long as the version is live do not grow the item. Answers the item as it is after the
 * write (`ReturnValues: ALL_NEW`: strongly consistent, no read capacity,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html), or as a strongly consistent
 * read finds it when the Region was named already; undefined when the pointer names another version or none.
 */
export async function markPointerDrift(
  image: string,
  channel: string,
  version: string,
  region: string,
): Promise<HeldChannelPointer | undefined> {
  try {
    const out = await documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: key(image, channel),
        UpdateExpression: `SET ${APPEND_REGIONS}`,
        ConditionExpression: '#version = :version AND NOT contains(#regions, :region)',
        ExpressionAttributeNames: { '#version': NAMES['#version'], '#regions': NAMES['#regions'] },
        ExpressionAttributeValues: { ':version': version, ':region': region, ':none': [], ':regions': [region] },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes as HeldChannelPointer | undefined;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // Not written: the Region is named already, or the pointer names another version or none.
    const now = await getChannelPointer(image, channel);
    return now?.version === version ? now : undefined;
  }
}

/** The build a channel pointer names now, if any. */
export async function getChannelPointer(image: string, channel: string): Promise<HeldChannelPointer | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: key(image, channel), ConsistentRead: true }),
  );
  return out.Item as HeldChannelPointer | undefined;
}

/**
 * The pointers of several channels of one image, in `channels` order (undefined where a channel has none): one
 * strongly consistent BatchGetItem instead of a GetItem per channel.
 */
export async function getChannelPointers(
  image: string,
  channels: readonly string[],
): Promise<(HeldChannelPointer | undefined)[]> {
  const items = await batchGetItems(
    ledgerTable(),
    channels.map((c) => key(image, c)),
  );
  const bySk = new Map(items.map((item) => [String(item.sk), item as unknown as HeldChannelPointer]));
  return channels.map((c) => bySk.get(sk(c)));
}
