import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';
import type { ShareRecord } from './promotion-ledger.js';

/**
 * A stopped channel's grants taken back, as the ledger keeps it on the channel's outcome (`PROMOTION#<version>#<channel>`,
 * field `withdrawn`): written only after EC2 was read back holding no grant beyond the channels the version still
 * holds, so `history` says it only once AWS confirmed it.
 */
export interface Withdrawal {
  at: string;
  /** The Regions the channel's Share had granted in, and to how many OUs and accounts (its SHARE record). */
  regions: string[];
  ous: number;
  accounts: number;
  /** The channels whose grants stay in force on the version (it was promoted to them). */
  kept: string[];
}

/** The sharing Share recorded for a version's channel, when it shared it before the channel stopped. */
export async function getShare(image: string, version: string, channel: string): Promise<ShareRecord | undefined> {
  const out = await documentClient().send(
    new GetCommand({
      TableName: ledgerTable(),
      Key: { pk: imagePk(image), sk: `SHARE#${version}#${channel}` },
      ConsistentRead: true,
    }),
  );
  return out.Item as ShareRecord | undefined;
}

/** Records a confirmed withdrawal on the channel's outcome, once. @returns false when it was recorded before. */
export async function recordWithdrawal(
  image: string,
  version: string,
  channel: string,
  withdrawal: Withdrawal,
): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(image), sk: `PROMOTION#${version}#${channel}` },
        UpdateExpression: 'SET withdrawn = :withdrawn',
        ConditionExpression: 'attribute_exists(sk) AND attribute_not_exists(withdrawn)',
        ExpressionAttributeValues: { ':withdrawn': withdrawal },
      }),
    ),
  );
}
