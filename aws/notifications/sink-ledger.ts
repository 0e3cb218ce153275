import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';

/**
 * What Goldsmith posted through a chat sink (Slack, Teams, a signed webhook: core/notifications/sinks.ts), in the
 * ledger under the sink's own partition (`pk` = the sink's ledger key, e.g. `SLACK`, `TEAMS`, `WEBHOOK#<name>`):
 * each announcement's post under `MSG#<post key>` (core/notifications/post-key.ts), so a re-delivered announcement
 * posts nothing. The claim comes first; the record of the post replaces it.
 */

/** How long a claim on posting an announcement holds before another delivery may take over (a crashed attempt). */
const CLAIM_MS = 60_000;

/** The ledger's `kind` of a sink's items: `slack-message`, `teams-pending`, `webhook-message`, … */
export const sinkKind = (pk: string, what: 'message' | 'pending') => `${pk.split('#')[0]?.toLowerCase()}-${what}`;

/**
 * Claims the posting of announcement `id` through the sink of partition `pk`. A delivery that finds it posted, or
 * claimed within the last minute by another delivery, does nothing; one that finds an older unfinished claim (a
 * crash) takes it over.
 * @returns false when this delivery must not post.
 */
export async function claimPost(pk: string, id: string, now: Date): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new PutCommand({
        TableName: ledgerTable(),
        Item: { pk, sk: `MSG#${id}`, kind: sinkKind(pk, 'message'), claimedAt: now.toISOString() },
        // A parked post (aws/notifications/sink-backlog.ts) belongs to the backlog: no delivery takes it over. A post
        // recorded (the record replaces the claim) has no `claimedAt`, so the comparison fails and it is never taken.
        ConditionExpression:
          'attribute_not_exists(sk) OR (attribute_not_exists(ts) AND attribute_not_exists(parkedAt) AND claimedAt < :stale)',
        ExpressionAttributeValues: { ':stale': new Date(now.getTime() - CLAIM_MS).toISOString() },
      }),
    ),
  );
}

/** Records announcement `id` as posted (after the sink answered), with what the sink answered and when. */
export async function recordPost(pk: string, id: string, fields: Record<string, unknown>): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: ledgerTable(),
      Item: { pk, sk: `MSG#${id}`, kind: sinkKind(pk, 'message'), ...fields },
    }),
  );
}

/** The record of announcement `id`'s post when one was written (a claim alone is not a post). */
export async function postRecordOf(pk: string, id: string): Promise<Record<string, unknown> | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: { pk, sk: `MSG#${id}` }, ConsistentRead: true }),
  );
  const item = out.Item;
  return item && typeof item.at === 'string' ? item : undefined;
}
