import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './clients/dynamodb.js';

/** BatchGetItem reads at most 100 keys per request, and refuses a key asked for twice. */
const BATCH = 100;
/** BatchGetItem may leave keys unprocessed under load; they are asked for again, a bounded number of times. */
const MAX_BATCH_ATTEMPTS = 5;

/**
 * The ledger items under `keys` (`pk`/`sk`), strongly consistent, in as few reads as possible: BatchGetItem, 100
 * distinct keys a request, the keys it leaves unprocessed asked for again
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html). Keys with no item are
 * absent from the answer, which comes in no particular order.
 */
export async function batchGetItems(
  table: string,
  keys: readonly { pk: string; sk: string }[],
  projection?: { expression: string; names?: Record<string, string> },
): Promise<Record<string, unknown>[]> {
  const distinct = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, { pk: k.pk, sk: k.sk }])).values()];
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < distinct.length; i += BATCH) {
    let pending: Record<string, unknown>[] = distinct.slice(i, i + BATCH);
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_BATCH_ATTEMPTS) throw new Error(`BatchGetItem left ${pending.length} item(s) unread`);
      const out = await documentClient().send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: pending,
              ConsistentRead: true,
              ...(projection
                ? {
                    ProjectionExpression: projection.expression,
                    ...(projection.names ? { ExpressionAttributeNames: projection.names } : {}),
                  }
                : {}),
            },
          },
        }),
      );
      found.push(...(out.Responses?.[table] ?? []));
      pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return found;
}
