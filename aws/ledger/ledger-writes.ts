import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';

/**
 * The ledger's conditional writes: every write that decides something is conditional, so a retried task, a
 * re-delivered event or a concurrent run decides once (core/ledger/README.md).
 */

/** True when `err` is DynamoDB's answer to a failed condition: the decision was taken before. */
export function isConditionFailure(err: unknown): boolean {
  return (
    err instanceof ConditionalCheckFailedException ||
    (err instanceof Error && err.name === 'ConditionalCheckFailedException')
  );
}

/**
 * True when `err` is DynamoDB's answer to a cancelled TransactWriteItems: a condition failed or another request wrote
 * one of its items meanwhile, and none of its actions took effect (`CancellationReasons` says which,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html).
 */
export function isTransactionCancelled(err: unknown): boolean {
  return (
    err instanceof TransactionCanceledException || (err instanceof Error && err.name === 'TransactionCanceledException')
  );
}

/**
 * Runs one conditional write (`write` sends a Put, Update or Delete with a ConditionExpression).
 * @returns true when it took effect, false when its condition failed: the decision was taken before (a retry, a
 * re-delivery, or a race lost). Any other error is thrown.
 */
export async function conditionalWrite(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/**
 * Writes `item` to the ledger only if no item has its key (`attribute_not_exists(sk)`): the once-only record every
 * decision, marker and request uses.
 * @returns false when one was already there (a retry, a re-delivery, or a race lost).
 */
export async function putItemOnce(item: Record<string, unknown>): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new PutCommand({ TableName: ledgerTable(), Item: item, ConditionExpression: 'attribute_not_exists(sk)' }),
    ),
  );
}
