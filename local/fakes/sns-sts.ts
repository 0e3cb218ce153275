import { InvalidParameterException, NotFoundException, SNSServiceException } from '@aws-sdk/client-sns';
import {
  errorFactory,
  type FakeCall,
  type FakeService,
  IdMaker,
  NotImplementedByFakeError,
  nextRequestId,
  required,
} from './common.js';
import { FilterPolicyError, filterPolicyMatches, parseFilterPolicy } from './sns-filter.js';
import type { SnsSubscription } from './sns-subscription.js';
import { confirmSubscription, expireUnconfirmed, subscriptionCall, unsubscribeByLink } from './sns-subscriptions.js';

export type { SnsSubscription } from './sns-subscription.js';

import { defaultTopicPolicy, policyRefusal, SNS_POLICY_QUOTA } from './resource-policy.js';

const snsErr = errorFactory(SNSServiceException);

/** A message as a subscriber would receive it. */
export interface PublishedMessage {
  readonly topicArn: string;
  readonly messageId: string;
  readonly subject: string | undefined;
  /** What a Lambda, SQS or HTTP subscriber receives: the message, or its `default` body under `MessageStructure: json`. */
  readonly message: string;
  /** Per-protocol bodies under `MessageStructure: json` (`default`, `email`, …); absent otherwise. */
  readonly bodies?: Readonly<Record<string, string>> | undefined;
  readonly attributes: Record<string, string>;
  readonly at: string;
}

/** The work key of an announcement (`notification:<id>`), from a published message (or its `default` body). */
export function announcementWork(message: string, structured = false): string | undefined {
  try {
    const outer: unknown = JSON.parse(message);
    const body: unknown =
      structured && typeof outer === 'object' && outer !== null && 'default' in outer
        ? JSON.parse(String((outer as { default: unknown }).default))
        : outer;
    const id = typeof body === 'object' && body !== null && 'id' in body ? (body as { id: unknown }).id : undefined;
    return typeof id === 'string' ? `notification:${id}` : undefined;
  } catch {
    return undefined;
  }
}

/** SNS: topics (pre-registered or created), Publish recorded with attributes, Subscribe with filter policies. */
export class SnsFake implements FakeService {
  readonly topics = new Set<string>();
  /** Each topic's policy as last set (SetTopicAttributes `Policy`, or the deployment's topic policy). */
  readonly policies = new Map<string, string>();
  readonly messages: PublishedMessage[] = [];
  readonly subscriptions: SnsSubscription[] = [];
  private readonly listeners: ((m: PublishedMessage) => void)[] = [];
  private readonly ids = new IdMaker();

  constructor(
    private readonly accountId: string,
    private readonly now: () => number,
  ) {}

  /**
   * An announcement a Publish carries (its JSON `default` body has an `id`) is held-up work when an outage fails the
   * Publish, until a later Publish of it succeeds (the reconciler re-publishes what SNS refused).
   */
  deferredWork(call: FakeCall): string | undefined {
    if (call.action !== 'Publish') return undefined;
    return announcementWork(String(call.input.Message ?? ''), call.input.MessageStructure === 'json');
  }

  /** Announcements (`notification:<id>`) whose Publish failed for good at least once: the caller had to keep them. */
  readonly refusedAnnouncements = new Set<string>();

  failedForGood(action: string, input: Record<string, unknown>): void {
    if (action !== 'Publish') return;
    const work = announcementWork(String(input.Message ?? ''), input.MessageStructure === 'json');
    if (work) this.refusedAnnouncements.add(work);
  }

  /**
   * Subscribes `endpoint` to `topicArn` (as a stack's subscription resource or the Subscribe API does), with the
   * filter policy's JSON, checked against SNS's constraints.
   * @throws FilterPolicyError for a policy SNS would refuse.
   */
  subscribe(
    topicArn: string,
    protocol: string,
    endpoint: string,
    filterPolicy?: string,
    pending = false,
  ): SnsSubscription {
    const parsed = filterPolicy === undefined ? undefined : parseFilterPolicy(filterPolicy);
    const sub: SnsSubscription = {
      arn: `${topicArn}:${this.ids.next('sub', 8).slice(4)}`,
      topicArn,
      protocol,
      endpoint,
      filterPolicy: parsed,
      filterPolicyJson: parsed === undefined ? undefined : filterPolicy,
      ...(pending ? { pending, pendingSince: this.now() } : {}),
    };
    this.subscriptions.push(sub);
    return sub;
  }

  /** The owner confirms a pending email subscription (sns-subscriptions.ts `confirmSubscription`). */
  confirm(subscriptionArn: string, authenticateOnUnsubscribe = false): void {
    expireUnconfirmed(this.subscriptions, this.now());
    confirmSubscription(this.subscriptions, subscriptionArn, authenticateOnUnsubscribe);
  }

  /** A mail's unsubscribe link followed (sns-subscriptions.ts `unsubscribeByLink`): whether it removed the subscription. */
  unsubscribeByLink(subscriptionArn: string): boolean {
    expireUnconfirmed(this.subscriptions, this.now());
    return unsubscribeByLink(this.subscriptions, subscriptionArn);
  }

  /** The subscriptions a published message reaches: its topic's, whose filter policy its attributes match. */
  recipientsOf(m: PublishedMessage): SnsSubscription[] {
    return this.subscriptions.filter(
      (s) => s.topicArn === m.topicArn && !s.pending && filterPolicyMatches(s.filterPolicy, m.attributes),
    );
  }

  /** What an endpoint (an email address) received, oldest first: the body its protocol gets. */
  inbox(endpoint: string): { message: PublishedMessage; body: string }[] {
    return this.messages.flatMap((m) =>
      this.recipientsOf(m)
        .filter((s) => s.endpoint === endpoint)
        .map((s) => ({ message: m, body: m.bodies?.[s.protocol] ?? m.message })),
    );
  }

  /** Calls `fn` for each published message (e.g. the simulator's Slack renderer). */
  onPublish(fn: (m: PublishedMessage) => void): void {
    this.listeners.push(fn);
  }

  /** Records a message published by AWS itself (Image Builder's notification), as if on that topic. */
  deliver(
    topicArn: string,
    message: string,
    attributes: Record<string, string> = {},
    subject?: string,
    bodies?: Record<string, string>,
  ): PublishedMessage {
    const m: PublishedMessage = {
      topicArn,
      messageId: nextRequestId(),
      subject,
      message,
      bodies,
      attributes,
      at: new Date(this.now()).toISOString(),
    };
    this.messages.push(m);
    for (const l of this.listeners) l(m);
    return m;
  }

  handle(call: FakeCall): unknown {
    const invalid = (msg: string): Error => snsErr(InvalidParameterException, msg);
    expireUnconfirmed(this.subscriptions, this.now());
    switch (call.action) {
      case 'CreateTopic': {
        const name = required(call.input, 'Name', invalid);
        if (!/^[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(name)) throw invalid('Invalid parameter: Topic Name');
        const arn = `arn:aws:sns:${call.region}:${this.accountId}:${name}`;
        this.topics.add(arn);
        return { TopicArn: arn };
      }
      case 'Subscribe': {
        const topic = this.topic(required(call.input, 'TopicArn', invalid));
        const protocol = required(call.input, 'Protocol', invalid);
        const endpoint = typeof call.input.Endpoint === 'string' ? call.input.Endpoint : '';
        const attributes = (call.input.Attributes ?? {}) as Record<string, string>;
        try {
          // An email (or HTTP) endpoint confirms before it receives anything; the ARN is given only with
          // ReturnSubscriptionArn (https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html).
          const pending = protocol === 'email' || protocol === 'email-json' || protocol.startsWith('http');
          const sub = this.subscribe(topic, protocol, endpoint, attributes.FilterPolicy, pending);
          return {
            SubscriptionArn: pending && call.input.ReturnSubscriptionArn !== true ? 'pending confirmation' : sub.arn,
          };
        } catch (error) {
          if (error instanceof FilterPolicyError) throw invalid(error.message);
          throw error;
        }
      }
      case 'ListSubscriptionsByTopic':
      case 'ListSubscriptions':
      case 'GetSubscriptionAttributes':
      case 'SetSubscriptionAttributes':
      case 'Unsubscribe':
        return subscriptionCall(this.subscriptions, this.accountId, call, invalid, (arn) => this.topic(arn));
      case 'GetTopicAttributes': {
        // A topic always holds a policy: SNS's default one until someone sets another
        // (https://docs.aws.amazon.com/sns/latest/api/API_GetTopicAttributes.html).
        const topic = this.topic(required(call.input, 'TopicArn', invalid));
        const policy = this.policies.get(topic) ?? defaultTopicPolicy(topic, this.accountId);
        return { Attributes: { TopicArn: topic, Owner: this.accountId, Policy: policy } };
      }
      case 'SetTopicAttributes': {
        const topic = this.topic(required(call.input, 'TopicArn', invalid));
        const name = required(call.input, 'AttributeName', invalid);
        if (name !== 'Policy') throw new NotImplementedByFakeError('sns', `SetTopicAttributes ${name}`);
        const value = String(call.input.AttributeValue ?? '');
        const refusal = policyRefusal(value, SNS_POLICY_QUOTA);
        if (refusal) throw invalid(`Invalid parameter: Policy Error: ${refusal}`);
        this.policies.set(topic, value);
        return {};
      }
      case 'Publish': {
        const topic = this.topic(required(call.input, 'TopicArn', invalid));
        const message = required(call.input, 'Message', invalid);
        const raw = (call.input.MessageAttributes ?? {}) as Record<string, { StringValue?: string }>;
        const attributes = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.StringValue ?? '']));
        const subject = typeof call.input.Subject === 'string' ? call.input.Subject : undefined;
        // "Subjects must be UTF-8 text with no line breaks or control characters, and less than 100 characters long"
        // (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
        if (subject !== undefined && (subject.length === 0 || subject.length >= 100 || /\p{Cc}/u.test(subject))) {
          throw invalid('Invalid parameter: Subject');
        }
        if (call.input.MessageStructure === 'json') {
          const bodies = this.bodiesOf(message, invalid);
          return { MessageId: this.deliver(topic, bodies.default ?? '', attributes, subject, bodies).messageId };
        }
        return { MessageId: this.deliver(topic, message, attributes, subject).messageId };
      }
      default:
        throw new NotImplementedByFakeError('sns', call.action);
    }
  }

  /** `MessageStructure: json`: a JSON object of strings with at least a `default` one. */
  private bodiesOf(message: string, invalid: (msg: string) => Error): Record<string, string> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      throw invalid('Invalid parameter: Message Structure - JSON message body failed to parse');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw invalid('Invalid parameter: Message Structure - JSON message body failed to parse');
    }
    const entries = Object.entries(parsed);
    if (!entries.some(([k, v]) => k === 'default' && typeof v === 'string')) {
      throw invalid('Invalid parameter: Message Structure - No default entry in JSON message body');
    }
    return Object.fromEntries(entries.filter((e): e is [string, string] => typeof e[1] === 'string'));
  }

  private topic(arn: string): string {
    if (!this.topics.has(arn)) throw snsErr(NotFoundException, 'Topic does not exist', 404);
    return arn;
  }
}

export { StsFake } from './sts.js';
