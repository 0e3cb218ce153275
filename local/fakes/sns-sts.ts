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

const snsErr = errorFactory(SNSServiceException);
const stsErr = errorFactory(STSServiceException);

/** A message as a subscriber would receive it. */
export interface PublishedMessage {
  readonly topicArn: string;
  readonly messageId: string;
  readonly subject: string | undefined;
  readonly message: string;
  readonly attributes: Record<string, string>;
  readonly at: string;
}

/** SNS: topics (pre-registered or created), Publish recorded with attributes, minimal Subscribe. */
export class SnsFake implements FakeService {
  readonly topics = new Set<string>();
  readonly messages: PublishedMessage[] = [];
  private readonly listeners: ((m: PublishedMessage) => void)[] = [];
  private readonly ids = new IdMaker();

  constructor(
    private readonly accountId: string,
    private readonly now: () => number,
  ) {}

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
  ): PublishedMessage {
    const m: PublishedMessage = {
      topicArn,
      messageId: nextRequestId(),
      subject,
      message,
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
        return { SubscriptionArn: `${topic}:${this.ids.next('sub', 8).slice(4)}` };
      }
      case 'Publish': {
        const topic = this.topic(required(call.input, 'TopicArn', invalid));
        const message = required(call.input, 'Message', invalid);
        const raw = (call.input.MessageAttributes ?? {}) as Record<string, { StringValue?: string }>;
        const attributes = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.StringValue ?? '']));
        const subject = typeof call.input.Subject === 'string' ? call.input.Subject : undefined;
        return { MessageId: this.deliver(topic, message, attributes, subject).messageId };
      }
      default:
        throw new NotImplementedByFakeError('sns', call.action);
    }
  }

  private topic(arn: string): string {
    if (!this.topics.has(arn)) throw snsErr(NotFoundException, 'Topic does not exist', 404);
    return arn;
  }
}

/** STS: a fixed caller identity and minimal AssumeRole. */
export class StsFake implements FakeService {
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
}
