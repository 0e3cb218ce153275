import { DeleteCommand, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { postKeyOf } from '../../core/notifications/post-key.js';
import type { Notification } from '../../events/notification.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite, putItemOnce } from '../ledger/ledger-writes.js';
import { sinkKind } from './sink-ledger.js';

/**
 * Posts waiting for a chat sink, in the ledger under the sink's partition (`pk`, e.g. `SLACK`, `TEAMS`,
 * `WEBHOOK#<name>`; `sk = PENDING#<announced at>#<post key>`, so a query reads them in the order they were
 * announced): a post the sink refused (an outage, a 429 storm, a bad credential) waits here instead of failing, and
 * the sink's function delivers the backlog, oldest first, whenever it runs (functions/sinks/relay.ts).
 */

const PREFIX = 'PENDING#';
/** How long a delivery's hold on a waiting post lasts (a sink function's timeout is a minute). */
const TAKE_MS = 90_000;

/** A post waiting for its sink. */
export interface WaitingPost {
  sk: string;
  notification: Notification;
  /** Attempts so far (the first, refused one included). */
  attempts: number;
  /** Not before this time (the sink's Retry-After, or backoff). */
  notBefore: string;
  parkedAt: string;
  lastError: string;
  takenAt?: string;
}

/**
 * Parks announcement `n`'s post: it waits in the backlog, and its `MSG#` claim is marked parked so no other
 * delivery of the same announcement takes it over. Once only: a second park of the same post changes nothing.
 */
export async function parkPost(
  pk: string,
  n: Notification,
  input: { now: Date; notBefore: Date; reason: string },
): Promise<void> {
  const parkedAt = input.now.toISOString();
  await putItemOnce({
    pk,
    sk: `${PREFIX}${n.at}#${postKeyOf(n)}`,
    kind: sinkKind(pk, 'pending'),
    notification: n,
    attempts: 1,
    notBefore: input.notBefore.toISOString(),
    parkedAt,
    lastError: input.reason,
  });
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: { pk, sk: `MSG#${postKeyOf(n)}` },
      UpdateExpression: 'SET parkedAt = if_not_exists(parkedAt, :at)',
      ExpressionAttributeValues: { ':at': parkedAt },
    }),
  );
}

/** Waiting posts, oldest announcement first (paginated: the caller stops reading when it stops delivering). */
export async function* waitingPosts(pk: string): AsyncGenerator<WaitingPost> {
  const pages = paginateQuery(
    { client: documentClient(), pageSize: 25 },
    {
      TableName: ledgerTable(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': PREFIX },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) for (const item of page.Items ?? []) yield item as WaitingPost;
}

/** Whether anything waits for the sink: a new post then queues behind it, so the channel reads in order. */
export async function backlogWaiting(pk: string): Promise<boolean> {
  for await (const _post of waitingPosts(pk)) return true;
  return false;
}

/**
 * Takes a waiting post for delivery (conditional: one delivery at a time; a hold older than a Lambda timeout is
 * taken over). @returns false when another delivery holds it.
 */
export async function takePost(pk: string, sk: string, now: Date): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk, sk },
        UpdateExpression: 'SET takenAt = :now',
        ConditionExpression: 'attribute_exists(sk) AND (attribute_not_exists(takenAt) OR takenAt < :stale)',
        ExpressionAttributeValues: {
          ':now': now.toISOString(),
          ':stale': new Date(now.getTime() - TAKE_MS).toISOString(),
        },
      }),
    ),
  );
}

/** Puts a post the sink refused again back in line: one more attempt counted, not before `notBefore`. */
export async function postponePost(pk: string, sk: string, input: { notBefore: Date; reason: string }): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: { pk, sk },
      UpdateExpression: 'SET notBefore = :nb, lastError = :why ADD attempts :one REMOVE takenAt',
      ExpressionAttributeValues: { ':nb': input.notBefore.toISOString(), ':why': input.reason, ':one': 1 },
    }),
  );
}

/** Removes a delivered post from the backlog. */
export async function deliveredPost(pk: string, sk: string): Promise<void> {
  await documentClient().send(new DeleteCommand({ TableName: ledgerTable(), Key: { pk, sk } }));
}
