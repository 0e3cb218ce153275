import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk, imageViewKeys, skPrefix } from '../../core/ledger/keys.js';
import type { RegionAmi } from '../../core/promotion/types.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { batchGetItems } from '../ledger/batch-get.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';
import { versionKey } from './promotion-ledger.js';

/** The ledger's channel pointers: `pk = IMAGE#<image>`, `sk = CHANNEL#<channel>`, the build each channel names now. */

const sk = (channel: string) => `${skPrefix.channel}${channel}`;
const key = (image: string, channel: string) => ({ pk: imagePk(image), sk: sk(channel) });

/** The current `CHANNEL#` pointer. */
export interface ChannelPointer {
  image: string;
  channel: string;
  version: string;
  buildVersionArn: string;
  amis: RegionAmi[];
  at: string;
}

/**
 * Moves an image's channel pointer to `pointer.version`, never backwards: the write is conditional on the pointer
 * being absent or on a version no newer than this one (so re-publishing the same build is a no-op success).
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
        },
        ConditionExpression: 'attribute_not_exists(versionKey) OR versionKey <= :vk',
        ExpressionAttributeValues: { ':vk': versionKey(pointer.version) },
      }),
    ),
  );
}

/** The build a channel pointer names now, if any. */
export async function getChannelPointer(image: string, channel: string): Promise<ChannelPointer | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: key(image, channel), ConsistentRead: true }),
  );
  return out.Item as ChannelPointer | undefined;
}

/**
 * The pointers of several channels of one image, in `channels` order (undefined where a channel has none): one
 * strongly consistent BatchGetItem instead of a GetItem per channel.
 */
export async function getChannelPointers(
  image: string,
  channels: readonly string[],
): Promise<(ChannelPointer | undefined)[]> {
  const items = await batchGetItems(
    ledgerTable(),
    channels.map((c) => key(image, c)),
  );
  const bySk = new Map(items.map((item) => [String(item.sk), item as unknown as ChannelPointer]));
  return channels.map((c) => bySk.get(sk(c)));
}
