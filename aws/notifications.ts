import { PublishCommand } from '@aws-sdk/client-sns';
import { DeleteCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { GoldsmithError } from '../core/errors.js';
import { renderEmail } from '../core/notifications/email.js';
import { type Notification, notificationAttributes, parseNotification } from '../events/notification.js';
import { documentClient } from './clients/dynamodb.js';
import { snsClient } from './clients/sns.js';
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
 * Announces something to people, never failing the step that calls it: a publish that still fails after the
 * SDK's retries is kept in the ledger (`NOTIFY#UNDELIVERED`, keyed by the announcement's id, so a retried step
 * keeps one copy) and re-published by the reconciler; the failure is counted (`notificationHooks`).
 * @returns true when published now, false when it was queued for a later attempt (or could not even be queued).
 * @throws InvalidNotificationError when the announcement breaks the contract (a bug: nothing is published).
 */
export async function announce(notification: Notification): Promise<boolean> {
  const n = validated(notification);
  try {
    await publishAnnouncement(n);
    return true;
  } catch (error) {
    let queued = false;
    try {
      await documentClient().send(
        new PutCommand({
          TableName: ledgerTable(),
          Item: {
            pk: UNDELIVERED_PK,
            sk: n.id,
            kind: 'undelivered-notification',
            notification: n,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
            failedAt: new Date().toISOString(),
          },
        }),
      );
      queued = true;
    } catch {
      // Both SNS and DynamoDB failing: the hook logs the whole announcement, which is all that is left to do.
    }
    notificationHooks.onFailed(n, error, queued);
    return false;
  }
}

function ledgerTable(): string {
  const name = process.env.LEDGER_TABLE;
  if (!name) throw new Error('LEDGER_TABLE is not set');
  return name;
}

/**
 * Re-publishes every announcement `announce` could not deliver, oldest first, removing each once published.
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
      try {
        await publishAnnouncement(n);
      } catch {
        pending++;
        continue;
      }
      await documentClient().send(
        new DeleteCommand({ TableName: ledgerTable(), Key: { pk: UNDELIVERED_PK, sk: item.sk } }),
      );
      notificationHooks.onRedelivered(n);
      redelivered++;
    }
  }
  return { redelivered, pending };
}
