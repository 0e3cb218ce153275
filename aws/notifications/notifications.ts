import { PublishCommand } from '@aws-sdk/client-sns';
import { DeleteCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { GoldsmithError } from '../../core/errors.js';
import { renderEmail } from '../../core/notifications/email.js';
import { type Notification, notificationAttributes, parseNotification } from '../../events/notification.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { snsClient } from '../clients/sns.js';
import {
  type AnnouncementClaim,
  announcementPublished,
  claimAnnouncement,
  markAnnouncement,
} from './announcement-ledger.js';
import { notificationHooks } from './notification-hooks.js';

export { notificationHooks };

/** An announcement that does not satisfy the contract: a bug in its builder, never published half-formed. */
export class InvalidNotificationError extends GoldsmithError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidNotificationError';
  }
}

const UNDELIVERED_PK = 'NOTIFY#UNDELIVERED';

function topicArn(): string {
  const arn = process.env.NOTIFY_TOPIC_ARN;
  if (!arn) throw new Error('NOTIFY_TOPIC_ARN is not set');
  return arn;
}

function validated(n: Notification): Notification {
  const parsed = parseNotification(n);
  if (!parsed.ok) throw new InvalidNotificationError(`announcement ${n.event}: ${parsed.reason}`);
  return parsed.notification;
}

/**
 * Publishes one announcement to Goldsmith's topic (env `NOTIFY_TOPIC_ARN`) with a body per protocol
 * (`MessageStructure: json`: `default` for Lambda, SQS, HTTP and `email-json` subscribers is the JSON document;
 * `email` is readable text; https://docs.aws.amazon.com/sns/latest/api/API_Publish.html) and the attributes
 * `event`, `image`, `channel`, `severity` that subscriptions filter on.
 * @throws what SNS throws (after the SDK's retries); `announce` is the caller that never does.
 */
export async function publishAnnouncement(notification: Notification): Promise<void> {
  const n = validated(notification);
  const message = { default: JSON.stringify(n), email: renderEmail(n), sms: n.title };
  await snsClient().send(
    new PublishCommand({
      TopicArn: topicArn(),
      Subject: n.title,
      MessageStructure: 'json',
      Message: JSON.stringify(message),
      MessageAttributes: Object.fromEntries(
        Object.entries(notificationAttributes(n)).map(([name, value]) => [
          name,
          { DataType: 'String', StringValue: value },
        ]),
      ),
    }),
  );
}

/**
 * Announces something to people, once, never failing the step that calls it. The announcement's id is claimed in
 * the ledger first (`aws/notifications/announcement-ledger.ts`), so a re-delivered event or a retried step that announces the same
 * thing publishes nothing; a delivery that finds another one mid-flight parks its copy for the reconciler, which
 * publishes it only if the other never did. A publish that still fails after the SDK's retries is kept in the ledger
 * (`NOTIFY#UNDELIVERED`, keyed by the announcement's id) and re-published by the reconciler; the failure is counted
 * (`notificationHooks`). When the ledger cannot be asked, it publishes anyway: a duplicate beats a loss.
 * @returns true when published now (or already announced), false when it was queued for a later attempt (or could
 * not even be queued).
 * @throws InvalidNotificationError when the announcement breaks the contract (a bug: nothing is published).
 */
export async function announce(notification: Notification, now: Date = new Date()): Promise<boolean> {
  const n = validated(notification);
  let claim: AnnouncementClaim = 'publish';
  try {
    claim = await claimAnnouncement(n, now);
  } catch {
    // The ledger is unavailable: publish without the claim.
  }
  if (claim === 'duplicate') {
    notificationHooks.onDuplicate(n);
    return true;
  }
  if (claim === 'in-flight') {
    await queueUndelivered(n, 'claimed by another delivery that had not finished', now);
    notificationHooks.onDuplicate(n);
    return true;
  }
  try {
    await publishAnnouncement(n);
  } catch (error) {
    const queued = await queueUndelivered(
      n,
      error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      now,
    );
    notificationHooks.onFailed(n, error, queued);
    return false;
  }
  try {
    await markAnnouncement(n.id, 'published', now);
  } catch {
    // The claim goes stale in a minute; at worst a later duplicate publishes it again.
  }
  return true;
}

/** Keeps `n` for the reconciler (one copy per id) and marks it queued. @returns false when even that failed. */
async function queueUndelivered(n: Notification, why: string, now: Date): Promise<boolean> {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: ledgerTable(),
        Item: {
          pk: UNDELIVERED_PK,
          sk: n.id,
          kind: 'undelivered-notification',
          notification: n,
          error: why,
          failedAt: now.toISOString(),
        },
      }),
    );
    await markAnnouncement(n.id, 'queued', now);
    return true;
  } catch {
    // Both SNS and DynamoDB failing: the hook logs the whole announcement, which is all that is left to do.
    return false;
  }
}

/**
 * Re-publishes every announcement `announce` could not deliver (or parked), removing each once published; a parked
 * copy whose first delivery did publish is removed without publishing again.
 * @returns how many were delivered now and how many still fail (they stay for the next run).
 */
export async function redeliverAnnouncements(): Promise<{ redelivered: number; pending: number }> {
  let redelivered = 0;
  let pending = 0;
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: ledgerTable(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': UNDELIVERED_PK },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const n = item.notification as Notification;
      // A copy parked while another delivery was publishing it: that delivery may well have finished.
      if (!(await announcementPublished(n.id))) {
        try {
          await publishAnnouncement(n);
        } catch {
          pending++;
          continue;
        }
        await markAnnouncement(n.id, 'published', new Date());
        notificationHooks.onRedelivered(n);
        redelivered++;
      }
      await documentClient().send(
        new DeleteCommand({ TableName: ledgerTable(), Key: { pk: UNDELIVERED_PK, sk: item.sk } }),
      );
    }
  }
  return { redelivered, pending };
}
