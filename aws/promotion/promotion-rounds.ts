import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, paginateQuery, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { shapeLedgerTransaction } from '../../core/ledger/format-transactions.js';
import { archivedRoundSk, imagePk, roundItemPrefixes, roundSk } from '../../core/ledger/keys.js';
import type { RoundRecord, RoundStart } from '../../core/promotion/rounds.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';

/**
 * A version's promotion rounds in the ledger (core/promotion/rounds.ts): the round record `ROUND#<v>#current` and
 * the archived items of earlier rounds, `ROUND#<v>#r<n>#<their sort key>`, each holding the item as it was under
 * `item` (so no index and no reader of the live prefixes sees it).
 */

type Item = Record<string, unknown>;

/** The round record of a version, if a round after the first ever began. */
export async function getRoundRecord(image: string, version: string): Promise<RoundRecord | undefined> {
  const out = await documentClient().send(
    new GetCommand({
      TableName: ledgerTable(),
      Key: { pk: imagePk(image), sk: roundSk(version) },
      ConsistentRead: true,
    }),
  );
  return out.Item as RoundRecord | undefined;
}

/**
 * The current round's promotion, gate, approval and soak items of a version (paginated, strongly consistent: what
 * the archive moves must be everything written before it).
 */
export async function currentRoundItems(image: string, version: string): Promise<Item[]> {
  const found: Item[] = [];
  for (const prefix of roundItemPrefixes(version)) {
    const pages = paginateQuery(
      { client: documentClient() },
      {
        TableName: ledgerTable(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': imagePk(image), ':prefix': prefix },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) found.push(...((page.Items ?? []) as Item[]));
  }
  return found;
}

/**
 * Archives round `start.round - 1` of a version and records round `start.round` as begun, in one TransactWriteItems:
 * the round record written only while its round is still the one before (a concurrent start, or a retry that got
 * there first, cancels it), each item copied to its archive key (only where none is) and deleted (only while it is
 * there). All or nothing, so the ledger never holds half a round
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html: up to 100 actions,
 * no two on one item, 4 MB in all; the caller keeps to 100).
 * @returns false when the transaction was cancelled on a condition: someone else changed the round first.
 */
export async function archiveRound(
  image: string,
  version: string,
  items: readonly Item[],
  start: RoundStart,
  before: RoundRecord | undefined,
): Promise<boolean> {
  const table = ledgerTable();
  const pk = imagePk(image);
  const archivedRound = start.round - 1;
  const record: RoundRecord & Item = {
    pk,
    sk: roundSk(version),
    kind: 'promotion-round',
    image,
    version,
    round: start.round,
    rounds: [...(before?.rounds ?? []), start],
  };
  const recordPut = {
    Put: {
      TableName: table,
      Item: record,
      ConditionExpression: before ? '#round = :before' : 'attribute_not_exists(sk)',
      ...(before
        ? { ExpressionAttributeNames: { '#round': 'round' }, ExpressionAttributeValues: { ':before': before.round } }
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
            sk: archivedRoundSk(version, archivedRound, sk),
            kind: 'archived-round-item',
            image,
            version,
            round: archivedRound,
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
  if (
    !(
      error instanceof TransactionCanceledException ||
      (error instanceof Error && error.name === 'TransactionCanceledException')
    )
  ) {
    return false;
  }
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'ConditionalCheckFailed');
}

/**
 * Records that Step Functions confirmed the start of round `round`'s execution (StartExecution answered, or said it
 * exists), while that round is still the current one.
 * @returns false when a later round began meanwhile.
 */
export async function markRoundStarted(
  image: string,
  version: string,
  round: number,
  executionName: string,
): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(image), sk: roundSk(version) },
        UpdateExpression: 'SET executionStarted = :name',
        ConditionExpression: '#round = :round',
        ExpressionAttributeNames: { '#round': 'round' },
        ExpressionAttributeValues: { ':name': executionName, ':round': round },
      }),
    ),
  );
}
