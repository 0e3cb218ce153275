import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { watchKey } from '../../core/ledger/keys.js';
import type { WatchRecord } from '../../core/ledger/records.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { isConditionFailure } from '../ledger/ledger-writes.js';

/** The base-image watcher's state in the ledger: the last parameter version it observed, moved forward conditionally. */

/** The watcher's last observation of a parameter, if any. */
export async function readWatchState(region: string, parameter: string): Promise<WatchRecord | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: watchKey(region, parameter), ConsistentRead: true }),
  );
  return out.Item as WatchRecord | undefined;
}

/**
 * Moves the watcher state forward to a newer parameter version. False when the ledger already holds this version
 * or a newer one (another invocation got there first): only the winner announces the change.
 */
export async function advanceWatchState(state: Omit<WatchRecord, 'pk' | 'sk'>): Promise<boolean> {
  const item: WatchRecord = { ...watchKey(state.region, state.parameter), sk: 'STATE', ...state };
  try {
    await documentClient().send(
      new PutCommand({
        TableName: ledgerTable(),
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk) OR #version < :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':version': state.version },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
