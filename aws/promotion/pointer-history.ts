import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk, skPrefix } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { batchGetItems } from '../ledger/batch-get.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';
import { versionKey } from './promotion-ledger.js';

/** One region of a pointer move: what the SSM parameter now says, its SSM version, and the RAM share it is in. */
export interface PointerRegionRecord {
  region: string;
  /** An AMI id, or a container image URI by digest. */
  value: string;
  parameterArn: string;
  parameterVersion: number;
  resourceShareArn?: string | undefined;
  principals: string[];
}

/** A move's key in the history: `POINTER#<channel>#<version key>`. */
const moveSk = (channel: string, version: string) => `${skPrefix.pointerHistory}${channel}#${versionKey(version)}`;

/**
 * Appends a channel pointer's move to the ledger's history (`POINTER#<channel>#<version key>`), once per build: the
 * first write wins, so a retried Publish does not rewrite when the move happened.
 * @returns false when this move was recorded before.
 */
export async function recordPointerMove(move: {
  image: string;
  channel: string;
  version: string;
  at: string;
  regions: PointerRegionRecord[];
}): Promise<boolean> {
  const table = ledgerTable();
  return conditionalWrite(() =>
    documentClient().send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: imagePk(move.image),
          sk: moveSk(move.channel, move.version),
          kind: 'pointer-move',
          ...move,
        },
        ConditionExpression: 'attribute_not_exists(sk)',
      }),
    ),
  );
}

/**
 * What each recorded move of `moves` wrote, by channel: its Regions' values (an AMI id, or a container image by
 * digest). One strongly consistent BatchGetItem; a move not recorded is absent.
 */
export async function recordedPointerRegions(
  image: string,
  moves: readonly { channel: string; version: string }[],
): Promise<Map<string, PointerRegionRecord[]>> {
  if (moves.length === 0) return new Map();
  const items = await batchGetItems(
    ledgerTable(),
    moves.map((m) => ({ pk: imagePk(image), sk: moveSk(m.channel, m.version) })),
  );
  const bySk = new Map(items.map((i) => [String(i.sk), i.regions as PointerRegionRecord[] | undefined] as const));
  return new Map(
    moves.flatMap((m) => {
      const regions = bySk.get(moveSk(m.channel, m.version));
      return regions ? [[m.channel, regions] as const] : [];
    }),
  );
}

/**
 * The channels of `image` whose pointer move to the given version is recorded (`POINTER#`): Publish records a move
 * only once Parameter Store holds it in every Region, so a `CHANNEL#` without its record is a move still in flight or
 * paused, not what AWS holds. One strongly consistent BatchGetItem, of the records' keys only.
 */
export async function recordedPointerMoves(
  image: string,
  moves: readonly { channel: string; version: string }[],
): Promise<Set<string>> {
  if (moves.length === 0) return new Set();
  // Only whether each record exists: its key, not the move's Regions, versions and shares (about 1 KB a record).
  const items = await batchGetItems(
    ledgerTable(),
    moves.map((m) => ({ pk: imagePk(image), sk: moveSk(m.channel, m.version) })),
    { expression: 'sk' },
  );
  const recorded = new Set(items.map((i) => String(i.sk)));
  return new Set(moves.filter((m) => recorded.has(moveSk(m.channel, m.version))).map((m) => m.channel));
}
