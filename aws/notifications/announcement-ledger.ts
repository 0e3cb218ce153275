import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ttlAfter } from '../../core/ledger/keys.js';
import type { Notification } from '../../events/notification.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';

/**
 * Which announcements were made, in the ledger (`pk = NOTIFY#SENT`, `sk = <announcement id>`): the id is a hash of
 * event, image, version, channel and the builder's key, so one item stands for "this thing was said once". Steps are
 * retried and events arrive twice (EventBridge, SNS and Scheduler deliver at least once; a Standard workflow's
 * StartExecution answers a repeated name and input with success while the first execution is open,
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html — which is how an "Image
 * State Change" delivered twice announced "image available" twice), so `announce` claims the item before publishing.
 */

export const SENT_PK = 'NOTIFY#SENT';
/** Kept longer than anything re-delivers or re-tries a step (the reconciler looks back at most 30 days). */
const SENT_TTL_DAYS = 90;
/** How long an unfinished claim holds before another delivery may take over (the claimant crashed). */
export const CLAIM_MS = 60_000;

/** What a delivery must do with an announcement, given what the ledger says about it. */
export type AnnouncementClaim =
  /** Nobody announced it (or a claimant crashed a minute ago): publish it. */
  | 'publish'
  /** Published, or waiting in the redelivery queue: say nothing. */
  | 'duplicate'
  /** Another delivery claimed it moments ago and has not finished: park it for the reconciler, which publishes it
   * only if that delivery never did. */
  | 'in-flight';

/**
 * Claims announcement `n` and counts the delivery (`deliveries`), in one write that returns what was there before.
 */
export async function claimAnnouncement(n: Notification, now: Date): Promise<AnnouncementClaim> {
  const out = await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: { pk: SENT_PK, sk: n.id },
      UpdateExpression:
        'SET kind = :kind, #event = :event, claimedAt = if_not_exists(claimedAt, :now), announcedAt = :at, expiresAt = :ttl ADD deliveries :one',
      ExpressionAttributeNames: { '#event': 'event' },
      ExpressionAttributeValues: {
        ':kind': 'announcement',
        ':event': n.event,
        ':now': now.toISOString(),
        ':at': n.at,
        ':ttl': ttlAfter(now, SENT_TTL_DAYS),
        ':one': 1,
      },
      ReturnValues: 'ALL_OLD',
    }),
  );
  const before = out.Attributes;
  if (!before) return 'publish';
  if (typeof before.publishedAt === 'string' || typeof before.queuedAt === 'string') return 'duplicate';
  const claimedAt = typeof before.claimedAt === 'string' ? Date.parse(before.claimedAt) : Number.NaN;
  return Number.isNaN(claimedAt) || now.getTime() - claimedAt >= CLAIM_MS ? 'publish' : 'in-flight';
}

/** Records that announcement `id` reached SNS (`published`) or waits in the redelivery queue (`queued`). */
export async function markAnnouncement(id: string, state: 'published' | 'queued', now: Date): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: { pk: SENT_PK, sk: id },
      UpdateExpression:
        state === 'published' ? 'SET publishedAt = :now' : 'SET queuedAt = if_not_exists(queuedAt, :now)',
      ExpressionAttributeValues: { ':now': now.toISOString() },
    }),
  );
}

/** Whether announcement `id` reached SNS already (the redelivery queue then drops its copy). */
export async function announcementPublished(id: string): Promise<boolean> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: { pk: SENT_PK, sk: id }, ConsistentRead: true }),
  );
  return typeof out.Item?.publishedAt === 'string';
}
