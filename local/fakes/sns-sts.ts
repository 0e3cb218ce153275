import { InvalidParameterException, NotFoundException, SNSServiceException } from '@aws-sdk/client-sns';
import { STSServiceException } from '@aws-sdk/client-sts';
import {
  errorFactory,
  type FakeCall,
  type FakeService,
  IdMaker,
  NotImplementedByFakeError,
  nextRequestId,
  required,
} from './common.js';
import type { MemberAccess } from './member-access.js';
import { defaultTopicPolicy, policyRefusal, SNS_POLICY_QUOTA } from './resource-policy.js';
import { type FilterPolicy, FilterPolicyError, filterPolicyMatches, parseFilterPolicy } from './sns-filter.js';

const snsErr = errorFactory(SNSServiceException);
const stsErr = errorFactory(STSServiceException);

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

/** A subscription: who receives a topic's messages, filtered by its policy on message attributes. */
export interface SnsSubscription {
  readonly arn: string;
  readonly topicArn: string;
  /** `email`, `lambda`, `sqs`, … */
  readonly protocol: string;
  /** The address, function or queue ARN. */
  readonly endpoint: string;
  readonly filterPolicy?: FilterPolicy | undefined;
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
  subscribe(topicArn: string, protocol: string, endpoint: string, filterPolicy?: string): SnsSubscription {
    const sub: SnsSubscription = {
      arn: `${topicArn}:${this.ids.next('sub', 8).slice(4)}`,
      topicArn,
      protocol,
      endpoint,
      filterPolicy: filterPolicy === undefined ? undefined : parseFilterPolicy(filterPolicy),
    };
    this.subscriptions.push(sub);
    return sub;
  }

  /** The subscriptions a published message reaches: its topic's, whose filter policy its attributes match. */
  recipientsOf(m: PublishedMessage): SnsSubscription[] {
    return this.subscriptions.filter(
      (s) => s.topicArn === m.topicArn && filterPolicyMatches(s.filterPolicy, m.attributes),
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
          return { SubscriptionArn: this.subscribe(topic, protocol, endpoint, attributes.FilterPolicy).arn };
        } catch (error) {
          if (error instanceof FilterPolicyError) throw invalid(error.message);
          throw error;
        }
      }
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
        // Subjects: ASCII, no line breaks, under 100 characters (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
        if (subject !== undefined && (subject.length === 0 || subject.length >= 100 || /[^\x20-\x7e]/.test(subject))) {
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

/**
 * STS: a fixed caller identity and AssumeRole. A role the member accounts define (`MemberAccess`) is assumed only as
 * its trust policy and the caller's policies allow, and its credentials act in that account; any other role ARN gets
 * credentials the fakes treat as the local cloud's own.
 */
export class StsFake implements FakeService {
  /** Roles in member accounts and the sessions issued for them (set by whoever defines the roles). */
  access: MemberAccess | undefined;

  constructor(private readonly accountId: string) {}

  handle(call: FakeCall): unknown {
    switch (call.action) {
      case 'GetCallerIdentity':
        return {
          UserId: 'AIDALOCALGOLDSMITH',
          Account: this.accountId,
          Arn: `arn:aws:iam::${this.accountId}:user/goldsmith-local`,
        };
      case 'AssumeRole': {
        const role = required(call.input, 'RoleArn', (m) => stsErr('ValidationError', m));
        const session = required(call.input, 'RoleSessionName', (m) => stsErr('ValidationError', m));
        const m = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(.+)$/.exec(role);
        if (!m) throw stsErr('ValidationError', `${role} is not a valid role ARN`);
        if (this.access?.knows(role)) return this.assumeMemberRole(this.access, call, role, session);
        return {
          Credentials: {
            AccessKeyId: 'ASIALOCAL',
            SecretAccessKey: 'local',
            SessionToken: 'local',
            Expiration: new Date(Date.UTC(2100, 0)),
          },
          AssumedRoleUser: {
            AssumedRoleId: `AROALOCAL:${session}`,
            Arn: `arn:aws:sts::${m[1]}:assumed-role/${m[2]}/${session}`,
          },
        };
      }
      default:
        throw new NotImplementedByFakeError('sts', call.action);
    }
  }

  private async assumeMemberRole(access: MemberAccess, call: FakeCall, role: string, name: string): Promise<unknown> {
    const caller = call.principal ?? `arn:aws:iam::${this.accountId}:user/goldsmith-local`;
    const session = await access.assume(caller, role, name);
    if ('code' in session) throw stsErr(session.code, session.message, 403);
    return {
      Credentials: {
        AccessKeyId: session.accessKeyId,
        SecretAccessKey: 'local',
        SessionToken: `local-${session.accessKeyId}`,
        Expiration: new Date(Date.UTC(2100, 0)),
      },
      AssumedRoleUser: { AssumedRoleId: `AROALOCAL:${name}`, Arn: session.arn },
    };
  }
}
