import { createHash } from 'node:crypto';
import { nextRequestId } from './common.js';

/** The SQS fake's queues and messages (./sqs.ts). */

export type Attribute = { DataType: string; StringValue?: string };

export interface StoredMessage {
  id: string;
  body: string;
  attributes: Record<string, Attribute>;
  sentAt: number;
  receiveCount: number;
  visibleAt: number;
  /** The receipt handle of the latest receive: only it deletes the message. */
  receipt?: string;
}

export interface Queue {
  url: string;
  arn: string;
  messages: StoredMessage[];
  /** Seconds a received message stays hidden unless the receive says otherwise (SQS's default: 30). */
  visibilitySeconds: number;
  /** Seconds a message is kept (the stacks set 14 days, SQS's maximum). */
  retentionSeconds: number;
  /** The last call that touched the queue (a send, a receive, …): CloudWatch's "active" clock. */
  lastActivityAt: number;
  /** When the queue last woke from inactivity: its metrics resume up to 15 minutes later. */
  wokeAt: number;
}

export const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/**
 * ReceiveMessage on `queue` at `now`: at most 10 visible messages, each hidden for the visibility timeout and given a
 * new receipt handle, with the system and message attributes asked for.
 */
export function receiveFrom(queue: Queue, input: Record<string, unknown>, now: number) {
  const max = Math.min(10, Math.max(1, Number(input.MaxNumberOfMessages ?? 1)));
  const hideFor = Number(input.VisibilityTimeout ?? queue.visibilitySeconds) * 1000;
  const wanted = new Set([...((input.MessageAttributeNames as string[] | undefined) ?? [])]);
  const system = new Set([
    ...((input.MessageSystemAttributeNames as string[] | undefined) ?? []),
    ...((input.AttributeNames as string[] | undefined) ?? []),
  ]);
  const taken = queue.messages.filter((m) => m.visibleAt <= now).slice(0, max);
  return taken.map((m) => {
    m.receiveCount++;
    m.visibleAt = now + hideFor;
    m.receipt = `${m.id}#${nextRequestId()}`;
    const attributes: Record<string, string> = {};
    if (system.has('All') || system.has('SentTimestamp')) attributes.SentTimestamp = String(m.sentAt);
    if (system.has('All') || system.has('ApproximateReceiveCount'))
      attributes.ApproximateReceiveCount = String(m.receiveCount);
    const messageAttributes = Object.fromEntries(
      Object.entries(m.attributes).filter(([k]) => wanted.has('All') || wanted.has('.*') || wanted.has(k)),
    );
    return {
      MessageId: m.id,
      ReceiptHandle: m.receipt,
      MD5OfBody: md5(m.body),
      Body: m.body,
      ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
      ...(Object.keys(messageAttributes).length > 0 ? { MessageAttributes: messageAttributes } : {}),
    };
  });
}
