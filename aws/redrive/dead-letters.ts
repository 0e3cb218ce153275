import { InvokeCommand } from '@aws-sdk/client-lambda';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ttlAfter } from '../../core/ledger/keys.js';
import type { DeadLetter, QueuedMessage } from '../../core/redrive/dead-letters.js';
import { LEFT_VISIBILITY_SECONDS, LOOK_VISIBILITY_SECONDS } from '../../core/redrive/looks.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { lambdaClient } from '../clients/lambda.js';
import { sqsClient } from '../clients/sqs.js';

/** A message taken from a dead-letter queue: hidden from other readers until deleted or its visibility ends. */
export interface ReceivedDeadLetter {
  /**
   * SQS's id of the message: the same on every receive of it, where the receipt handle is new each time
   * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Message.html); a copy sent again is
   * another message, with another id.
   */
  messageId: string;
  receiptHandle: string;
  message: QueuedMessage;
  /** When the queue received it (SQS's `SentTimestamp`). */
  sentAt: string;
}

/**
 * Takes up to `max` messages from a dead-letter queue, ten at a time (ReceiveMessage's maximum), until the queue
 * answers with none. Short polling: an empty queue costs one request
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html). Each message
 * taken is hidden for `LOOK_VISIBILITY_SECONDS` (core/redrive/looks.ts): one not deleted reappears then.
 */
export async function receiveDeadLetters(queueUrl: string, max: number): Promise<ReceivedDeadLetter[]> {
  const taken: ReceivedDeadLetter[] = [];
  while (taken.length < max) {
    const out = await sqsClient().send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, max - taken.length),
        VisibilityTimeout: LOOK_VISIBILITY_SECONDS,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['SentTimestamp'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) break;
    for (const m of messages) {
      if (!m.ReceiptHandle) continue;
      const attributes: Record<string, string> = {};
      for (const [name, value] of Object.entries(m.MessageAttributes ?? {})) {
        if (value.StringValue !== undefined) attributes[name] = value.StringValue;
      }
      const sent = Number(m.Attributes?.SentTimestamp);
      taken.push({
        messageId: m.MessageId ?? m.ReceiptHandle,
        receiptHandle: m.ReceiptHandle,
        message: { body: m.Body ?? '', attributes },
        sentAt: new Date(Number.isFinite(sent) ? sent : Date.now()).toISOString(),
      });
    }
  }
  return taken;
}

/** Removes a message that was dealt with. */
export async function deleteDeadLetter(queueUrl: string, receiptHandle: string): Promise<void> {
  await sqsClient().send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle }));
}

/**
 * Hides a message left for a person for `LEFT_VISIBILITY_SECONDS`, so looks at its queue do not re-read it every
 * hour (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html).
 */
export async function hideDeadLetter(queueUrl: string, receiptHandle: string): Promise<void> {
  await sqsClient().send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: LEFT_VISIBILITY_SECONDS,
    }),
  );
}

/**
 * Invokes `functionArn` again with the dead-lettered payload, asynchronously (InvocationType Event: Lambda queues
 * it, retries it twice, and dead-letters it again if it still fails), exactly as its event source did.
 */
export async function invokeAgain(functionArn: string, payload: unknown): Promise<void> {
  await lambdaClient().send(
    new InvokeCommand({
      FunctionName: functionArn,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(JSON.stringify(payload)),
    }),
  );
}

/** Re-drives of one piece of work (by `deadLetterId`) are kept this long: past any retry horizon. */
const REDRIVE_TTL_DAYS = 30;
const redriveKey = (id: string) => ({ pk: 'REDRIVE', sk: id });

/** What the ledger holds of one piece of work's re-drives. */
export interface RedriveHistory {
  firstDeadLetteredAt: string;
  lastRedriveAt: string;
  redrives: number;
  /** The dead-letter messages (SQS MessageId) whose invocation Lambda took again: their work is re-driven. */
  taken?: Set<string>;
}

/** When this work was first dead-lettered and how often it was re-driven, if it ever was. */
export async function redriveHistory(id: string): Promise<RedriveHistory | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: redriveKey(id), ConsistentRead: true }),
  );
  return out.Item as RedriveHistory | undefined;
}

/**
 * Notes that Lambda took the invocation made again from dead-letter message `messageId` (written before the message
 * is deleted): a look that meets the message again, because the run that re-drove it ended before deleting it,
 * deletes it without re-driving its work a second time.
 */
export async function markRedriveTaken(id: string, messageId: string): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: redriveKey(id),
      UpdateExpression: 'ADD taken :message',
      ExpressionAttributeValues: { ':message': new Set([messageId]) },
    }),
  );
}

/** Counts one re-drive of the work, with the time its current chain of failures began (`firstAt`). */
export async function recordRedrive(id: string, letter: DeadLetter, firstAt: string, now: Date): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: redriveKey(id),
      UpdateExpression:
        'SET kind = :kind, target = :target, #error = :error, firstDeadLetteredAt = :first, lastRedriveAt = :now, expiresAt = :ttl ADD redrives :one',
      ExpressionAttributeNames: { '#error': 'error' },
      ExpressionAttributeValues: {
        ':kind': 'redrive',
        ':target': letter.target,
        ':error': letter.error,
        ':now': now.toISOString(),
        ':first': firstAt,
        ':ttl': ttlAfter(now, REDRIVE_TTL_DAYS),
        ':one': 1,
      },
    }),
  );
}
