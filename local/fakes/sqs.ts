import { createHash } from 'node:crypto';
import { QueueDoesNotExist, ReceiptHandleIsInvalid } from '@aws-sdk/client-sqs';
import { type FakeCall, type FakeService, NotImplementedByFakeError, nextRequestId } from './common.js';

type Attribute = { DataType: string; StringValue?: string };

interface StoredMessage {
  id: string;
  body: string;
  attributes: Record<string, Attribute>;
  sentAt: number;
  receiveCount: number;
  visibleAt: number;
  /** The receipt handle of the latest receive: only it deletes the message. */
  receipt?: string;
}

interface Queue {
  url: string;
  arn: string;
  messages: StoredMessage[];
  /** Seconds a received message stays hidden unless the receive says otherwise (SQS's default: 30). */
  visibilitySeconds: number;
  /** Seconds a message is kept (the stacks set 14 days, SQS's maximum). */
  retentionSeconds: number;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/**
 * Amazon SQS standard queues, as the dead-letter queues use them
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html): SendMessage;
 * ReceiveMessage of at most 10 visible messages, each hidden for the visibility timeout and given a new receipt
 * handle; DeleteMessage, which deletes only with the latest receipt handle (an older one succeeds and deletes
 * nothing); GetQueueAttributes for the depth; messages past retention are gone. Short polling on AWS samples a
 * subset of servers and may miss messages; the fake answers from all of them, as long polling would.
 */
export class SqsFake implements FakeService {
  private readonly queues = new Map<string, Queue>();
  private seq = 0;

  constructor(
    private readonly accountId: string,
    private readonly region: string,
    private readonly now: () => number,
  ) {}

  /** Creates a queue named `name` (as a deploy would), returning its URL. */
  createQueue(name: string, retentionSeconds = 345_600): string {
    const url = `https://sqs.${this.region}.amazonaws.com/${this.accountId}/${name}`;
    const arn = `arn:aws:sqs:${this.region}:${this.accountId}:${name}`;
    this.queues.set(url, { url, arn, messages: [], visibilitySeconds: 30, retentionSeconds });
    return url;
  }

  /** The queue for a URL or an ARN. */
  private queue(id: string): Queue {
    const found = this.queues.get(id) ?? [...this.queues.values()].find((q) => q.arn === id);
    if (!found) {
      throw new QueueDoesNotExist({
        message: 'The specified queue does not exist.',
        $metadata: { httpStatusCode: 400 },
      });
    }
    this.expire(found);
    return found;
  }

  private expire(queue: Queue): void {
    const oldest = this.now() - queue.retentionSeconds * 1000;
    queue.messages = queue.messages.filter((m) => m.sentAt >= oldest);
  }

  /** What a service (Lambda's destination, EventBridge, Scheduler) puts in the queue, by URL or ARN. */
  send(queueId: string, body: string, attributes: Record<string, string> = {}): string {
    const queue = this.queue(queueId);
    const id = `00000000-0000-4000-9000-${(++this.seq).toString(16).padStart(12, '0')}`;
    const stored: StoredMessage = {
      id,
      body,
      attributes: Object.fromEntries(
        Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
      ),
      sentAt: this.now(),
      receiveCount: 0,
      visibleAt: this.now(),
    };
    queue.messages.push(stored);
    return id;
  }

  /** Messages in a queue now (visible or in flight), for the report. */
  depth(queueId: string): number {
    return this.queue(queueId).messages.length;
  }

  /** Every queue's URL. */
  urls(): string[] {
    return [...this.queues.keys()];
  }

  handle(call: FakeCall): unknown {
    const input = call.input as Record<string, unknown>;
    const queue = this.queue(String(input.QueueUrl ?? ''));
    switch (call.action) {
      case 'SendMessage': {
        const body = String(input.MessageBody ?? '');
        const id = this.send(queue.url, body);
        return { MessageId: id, MD5OfMessageBody: md5(body) };
      }
      case 'ReceiveMessage':
        return { Messages: this.receive(queue, input) };
      case 'DeleteMessage':
        this.delete(queue, String(input.ReceiptHandle ?? ''));
        return {};
      case 'GetQueueAttributes': {
        const now = this.now();
        const visible = queue.messages.filter((m) => m.visibleAt <= now).length;
        return {
          Attributes: {
            ApproximateNumberOfMessages: String(visible),
            ApproximateNumberOfMessagesNotVisible: String(queue.messages.length - visible),
            QueueArn: queue.arn,
          },
        };
      }
      default:
        throw new NotImplementedByFakeError('sqs', call.action);
    }
  }

  private receive(queue: Queue, input: Record<string, unknown>) {
    const now = this.now();
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

  private delete(queue: Queue, receipt: string): void {
    const id = receipt.split('#')[0];
    const message = queue.messages.find((m) => m.id === id);
    if (!message) {
      // A handle of a message already deleted is accepted; one that never was a handle is not.
      if (receipt.includes('#')) return;
      throw new ReceiptHandleIsInvalid({
        message: `The input receipt handle "${receipt}" is not a valid receipt handle.`,
        $metadata: { httpStatusCode: 400 },
      });
    }
    if (message.receipt !== receipt) return;
    queue.messages = queue.messages.filter((m) => m !== message);
  }
}
