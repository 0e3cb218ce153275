import {
  MessageNotInflight,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  SQSServiceException,
} from '@aws-sdk/client-sqs';
import { errorFactory, type FakeCall, type FakeService, NotImplementedByFakeError } from './common.js';
import { policyRefusal, SQS_POLICY_QUOTA } from './resource-policy.js';
import { md5, type Queue, receiveFrom, type StoredMessage } from './sqs-queue.js';

const err = errorFactory(SQSServiceException);

/** A queue without messages and untouched this long is inactive: SQS publishes no metrics for it. */
export const SQS_ACTIVE_MS = 6 * 3600_000;

/**
 * Amazon SQS standard queues, as the dead-letter queues use them
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html): SendMessage;
 * ReceiveMessage of at most 10 visible messages, each hidden for the visibility timeout and given a new receipt
 * handle; DeleteMessage, which deletes only with the latest receipt handle (an older one succeeds and deletes
 * nothing); GetQueueAttributes for the depth; messages past retention are gone. Short polling on AWS samples a
 * subset of servers and may miss messages; the fake answers from all of them, as long polling would.
 * ChangeMessageVisibility hides a received message again (at most 12 hours). For CloudWatch (./cloudwatch.ts): the
 * visible depth at an instant, whether the queue is active (it holds messages or was called in the last six hours)
 * and when it last woke, and a listener told of every change of the visible depth a call makes
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/monitoring-using-cloudwatch.html).
 */
export class SqsFake implements FakeService {
  private readonly queues = new Map<string, Queue>();
  /** Each queue's policy by URL, as last set (SetQueueAttributes `Policy`, or the deployment's queue policy). */
  readonly policies = new Map<string, string>();
  private seq = 0;
  private readonly listeners: ((queueUrl: string) => void)[] = [];

  constructor(
    private readonly accountId: string,
    private readonly region: string,
    private readonly now: () => number,
  ) {}

  /** Creates a queue named `name` (as a deploy would), returning its URL. */
  createQueue(name: string, retentionSeconds = 345_600): string {
    const url = `https://sqs.${this.region}.amazonaws.com/${this.accountId}/${name}`;
    const arn = `arn:aws:sqs:${this.region}:${this.accountId}:${name}`;
    const now = this.now();
    this.queues.set(url, {
      url,
      arn,
      messages: [],
      visibilitySeconds: 30,
      retentionSeconds,
      lastActivityAt: now,
      // Created with the deployment, long before: its metrics flow from the first minute.
      wokeAt: Number.NEGATIVE_INFINITY,
    });
    return url;
  }

  /** Calls `listener` with the queue's URL after every call that may change its visible depth. */
  onChange(listener: (queueUrl: string) => void): void {
    this.listeners.push(listener);
  }

  /** The URL of the queue named `name`, if there is one. */
  urlNamed(name: string): string | undefined {
    return [...this.queues.keys()].find((url) => url.endsWith(`/${name}`));
  }

  /** Messages visible at `at` (now by default): ApproximateNumberOfMessagesVisible, exactly. */
  visibleAt(queueId: string, at = this.now()): number {
    const queue = this.queue(queueId);
    return queue.messages.filter((m) => m.visibleAt <= at && m.sentAt + queue.retentionSeconds * 1000 >= at).length;
  }

  /** The next instant after now at which the visible depth changes with no call: a message reappears or expires. */
  nextQuietChange(queueId: string): number | undefined {
    const queue = this.queue(queueId);
    const now = this.now();
    const times = queue.messages.flatMap((m) => [m.visibleAt, m.sentAt + queue.retentionSeconds * 1000 + 1]);
    const future = times.filter((t) => t > now);
    return future.length === 0 ? undefined : Math.min(...future);
  }

  /** Whether SQS publishes metrics for the queue at `at`, and since when (it wakes on a call after six idle hours). */
  activity(queueId: string, at = this.now()): { active: boolean; wokeAt: number } {
    const queue = this.queue(queueId);
    return { active: queue.messages.length > 0 || at - queue.lastActivityAt <= SQS_ACTIVE_MS, wokeAt: queue.wokeAt };
  }

  private touch(queue: Queue): void {
    const now = this.now();
    if (queue.messages.length === 0 && now - queue.lastActivityAt > SQS_ACTIVE_MS) queue.wokeAt = now;
    queue.lastActivityAt = now;
  }

  private changed(queue: Queue): void {
    for (const listener of this.listeners) listener(queue.url);
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
    this.touch(queue);
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
    this.changed(queue);
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
    this.touch(queue);
    switch (call.action) {
      case 'SendMessage': {
        const body = String(input.MessageBody ?? '');
        const id = this.send(queue.url, body);
        return { MessageId: id, MD5OfMessageBody: md5(body) };
      }
      case 'ReceiveMessage': {
        const messages = receiveFrom(queue, input, this.now());
        if (messages.length > 0) this.changed(queue);
        return { Messages: messages };
      }
      case 'DeleteMessage':
        this.delete(queue, String(input.ReceiptHandle ?? ''));
        this.changed(queue);
        return {};
      case 'ChangeMessageVisibility':
        this.changeVisibility(queue, String(input.ReceiptHandle ?? ''), Number(input.VisibilityTimeout));
        this.changed(queue);
        return {};
      case 'GetQueueAttributes': {
        const now = this.now();
        const visible = queue.messages.filter((m) => m.visibleAt <= now).length;
        const names = (input.AttributeNames ?? []) as string[];
        // A queue without a policy has no `Policy` attribute at all
        // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html).
        const policy = this.policies.get(queue.url);
        const withPolicy = policy !== undefined && (names.includes('Policy') || names.includes('All'));
        return {
          Attributes: {
            ApproximateNumberOfMessages: String(visible),
            ApproximateNumberOfMessagesNotVisible: String(queue.messages.length - visible),
            QueueArn: queue.arn,
            ...(withPolicy ? { Policy: policy } : {}),
          },
        };
      }
      case 'SetQueueAttributes': {
        const attributes = (input.Attributes ?? {}) as Record<string, string>;
        for (const name of Object.keys(attributes)) {
          if (name !== 'Policy') throw new NotImplementedByFakeError('sqs', `SetQueueAttributes ${name}`);
        }
        const value = attributes.Policy ?? '';
        // An empty Policy removes the queue's policy
        // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html).
        if (value === '') {
          this.policies.delete(queue.url);
          return {};
        }
        const refusal = policyRefusal(value, SQS_POLICY_QUOTA);
        if (refusal) throw err('InvalidAttributeValue', `Invalid value for the parameter Policy. Reason: ${refusal}.`);
        this.policies.set(queue.url, value);
        return {};
      }
      default:
        throw new NotImplementedByFakeError('sqs', call.action);
    }
  }

  /** Hides (or shows) a received message from now on; only its latest receipt handle may, up to 12 hours. */
  private changeVisibility(queue: Queue, receipt: string, seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43_200) {
      throw err(
        'InvalidParameterValue',
        `Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`,
      );
    }
    const message = queue.messages.find((m) => m.receipt === receipt);
    if (!message || message.visibleAt <= this.now()) {
      throw err(MessageNotInflight, 'The message referred to is not in flight.');
    }
    message.visibleAt = this.now() + seconds * 1000;
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
