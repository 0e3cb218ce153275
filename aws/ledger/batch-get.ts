import { setTimeout as sleepFor } from 'node:timers/promises';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../clients/dynamodb.js';

/** BatchGetItem reads at most 100 keys per request, and refuses a key asked for twice. */
const BATCH = 100;
/** BatchGetItem may leave keys unprocessed under load; they are asked for again, a bounded number of times. */
const MAX_BATCH_ATTEMPTS = 5;
/** The backoff before asking again: capped exponential with full jitter, as the SDK's own retries wait. */
const BACKOFF_BASE_MS = 50;
const BACKOFF_CAP_MS = 2_000;

/** How long to wait before attempt `attempt` (2 and up) asks for the keys left unprocessed. */
export function unprocessedBackoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)));
}

/**
 * The ledger items under `keys` (`pk`/`sk`), strongly consistent, in as few reads as possible: BatchGetItem, 100
 * distinct keys a request, the keys it leaves unprocessed asked for again after an exponential backoff, as the
 * page asks ("we strongly recommend that you use an exponential backoff algorithm":
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html). Keys with no item are
 * absent from the answer, which comes in no particular order. `sleep` is for tests.
 */
export async function batchGetItems(
  table: string,
  keys: readonly { pk: string; sk: string }[],
  projection?: { expression: string; names?: Record<string, string> },
  sleep: (ms: number) => Promise<unknown> = sleepFor,
): Promise<Record<string, unknown>[]> {
  const distinct = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, { pk: k.pk, sk: k.sk }])).values()];
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < distinct.length; i += BATCH) {
    let pending: Record<string, unknown>[] = distinct.slice(i, i + BATCH);
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_BATCH_ATTEMPTS) throw new Error(`BatchGetItem left ${pending.length} item(s) unread`);
      if (attempt > 1) await sleep(unprocessedBackoffMs(attempt));
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
