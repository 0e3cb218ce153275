import { paginateQuery, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { shapeLedgerTransaction } from '../../core/ledger/format-transactions.js';
import {
  archivedAttemptSk,
  attemptItemPrefixes,
  attemptSk,
  imagePk,
  isRolloutItemOf,
  rolloutSk,
} from '../../core/ledger/keys.js';
import type { AttemptRecord, AttemptStart } from '../../core/promotion/attempts.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite, isTransactionCancelled } from '../ledger/ledger-writes.js';

/**
 * A version's promotion attempts in the ledger (core/promotion/attempts.ts): the attempt record `ATTEMPT#<v>#current` and
 * the archived items of earlier attempts, `ATTEMPT#<v>#a<n>#<their sort key>`, each holding the item as it was under
 * `item` (so no index and no reader of the live prefixes sees it).
 */

type Item = Record<string, unknown>;

/**
 * The current attempt's promotion, gate, approval and soak items of a version, and its rollouts' records and chunk
 * items in `rolling` (the channels that roll out): paginated, strongly consistent, as the archive must move everything
 * written before it.
 */
export async function currentAttemptItems(image: string, version: string, rolling: readonly string[]): Promise<Item[]> {
  const found: Item[] = [];
  const query = async (prefix: string, keep: (sk: string) => boolean = () => true) => {
    const pages = paginateQuery(
      { client: documentClient() },
      {
        TableName: ledgerTable(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': imagePk(image), ':prefix': prefix },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) found.push(...((page.Items ?? []) as Item[]).filter((i) => keep(String(i.sk))));
  };
  for (const prefix of attemptItemPrefixes(version)) await query(prefix);
  for (const channel of rolling) {
    await query(rolloutSk(channel, version), (sk) => isRolloutItemOf(sk, channel, version));
  }
  return found;
}

/**
 * Archives attempt `start.attempt - 1` of a version and records attempt `start.attempt` as begun, in one TransactWriteItems:
 * the attempt record written only while its attempt is still the one before (a concurrent start, or a retry that got
 * there first, cancels it), each item copied to its archive key (only where none is) and deleted (only while it is
 * there). All or nothing, so the ledger never holds half an attempt
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html: up to 100 actions,
 * no two on one item, 4 MB in all; the caller keeps to 100).
 * @returns false when the transaction was cancelled on a condition: someone else changed the attempt first.
 */
export async function archiveAttempt(
  image: string,
  version: string,
  items: readonly Item[],
  start: AttemptStart,
  before: AttemptRecord | undefined,
): Promise<boolean> {
  const table = ledgerTable();
  const pk = imagePk(image);
  const archivedAttempt = start.attempt - 1;
  const record: AttemptRecord & Item = {
    pk,
    sk: attemptSk(version),
    kind: 'promotion-attempt',
    image,
    version,
    attempt: start.attempt,
    attempts: [...(before?.attempts ?? []), start],
  };
  const recordPut = {
    Put: {
      TableName: table,
      Item: record,
      ConditionExpression: before ? '#attempt = :before' : 'attribute_not_exists(sk)',
      ...(before
        ? {
            ExpressionAttributeNames: { '#attempt': 'attempt' },
            ExpressionAttributeValues: { ':before': before.attempt },
          }
        : {}),
    },
  };
  const moves = items.flatMap((item) => {
    const sk = String(item.sk);
    return [
      {
        Put: {
          TableName: table,
          Item: {
            pk,
            sk: archivedAttemptSk(version, archivedAttempt, sk),
            kind: 'archived-attempt-item',
            image,
            version,
            attempt: archivedAttempt,
            archivedAt: start.at,
            item,
          },
          ConditionExpression: 'attribute_not_exists(sk)',
        },
      },
      { Delete: { TableName: table, Key: { pk, sk }, ConditionExpression: 'attribute_exists(sk)' } },
    ];
  });
  try {
    // Stamped and guarded with the ledger's record format, as every single-item write is.
    const TransactItems = shapeLedgerTransaction([recordPut, ...moves], table);
    await documentClient().send(new TransactWriteCommand({ TransactItems }));
    return true;
  } catch (error) {
    // A failed condition cancels the whole transaction: TransactionCanceledException with a ConditionalCheckFailed
    // reason (same page, Errors).
    if (isCancelledOnCondition(error)) return false;
    throw error;
  }
}

function isCancelledOnCondition(error: unknown): boolean {
  if (!isTransactionCancelled(error)) return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'ConditionalCheckFailed');
}

/**
 * Records that Step Functions confirmed the start of attempt `attempt`'s execution (StartExecution answered, or said it
 * exists), while that attempt is still the current one.
 * @returns false when a later attempt began meanwhile.
 */
export async function markAttemptStarted(
  image: string,
  version: string,
  attempt: number,
  executionName: string,
): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(image), sk: attemptSk(version) },
        UpdateExpression: 'SET executionStarted = :name',
        ConditionExpression: '#attempt = :attempt',
        ExpressionAttributeNames: { '#attempt': 'attempt' },
        ExpressionAttributeValues: { ':name': executionName, ':attempt': attempt },
      }),
    ),
  );
}
