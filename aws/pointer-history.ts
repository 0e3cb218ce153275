import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk, skPrefix } from '../core/ledger/keys.js';
import { documentClient, ledgerTable } from './clients/dynamodb.js';
import { conditionalWrite } from './ledger-writes.js';
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
          sk: `${skPrefix.pointerHistory}${move.channel}#${versionKey(move.version)}`,
          kind: 'pointer-move',
          ...move,
        },
        ConditionExpression: 'attribute_not_exists(sk)',
      }),
    ),
  );
}
