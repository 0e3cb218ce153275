import {
  InvalidLookupAttributesException,
  InvalidMaxResultsException,
  InvalidNextTokenException,
  InvalidTimeRangeException,
} from '@aws-sdk/client-cloudtrail';
import { apiCallRecord, recordedMembers } from './cloudtrail-events.js';
import { type FakeCall, type FakeService, NotImplementedByFakeError } from './common.js';

/**
 * CloudTrail's event history (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events.html):
 * "a viewable, searchable, downloadable, and immutable record of the past 90 days of management events in an AWS
 * Region", per account, with or without a trail ("The Event history is not connected to any trails that exist in your
 * account": https://docs.aws.amazon.com/awscloudtrail/latest/userguide/how-cloudtrail-works.html). Every call the local
 * cloud's fakes answer (local/fakes/middleware.ts) is offered to `record`; kept are the calls that change something
 * (write management events), refused ones too. Left out: read-only calls (Describe…, Get…, List…: event history
 * holds them too, Goldsmith looks up none; so `ReadOnly` `false` answers every event held, `true` none) and the calls CloudTrail documents as data events, which event history never
 * holds ("The CloudTrail Event history feature supports only management events":
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html).
 *
 * An event can be looked up `delayMs` after its call (AWS: "CloudTrail typically delivers logs within an average of
 * about 5 minutes of an API call. This time is not guaranteed":
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html; a scenario sets
 * it, `cloudTrail.historyDelayMinutes`). LookupEvents as its API reference states it
 * (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html): at most one lookup
 * attribute ("Currently the list can contain only one item"), StartTime/EndTime inclusive, MaxResults 1–50 (default
 * 50), NextToken, newest first, the last 90 days; its rate ("two per second, per account, per Region") is the
 * throttle's (local/throttle.ts).
 */

/** Data events CloudTrail documents, by service: never in event history. */
const DATA_EVENTS: Readonly<Record<string, RegExp>> = {
  // Invoke (https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html: "Invoke" is a data event).
  lambda: /^Invoke/,
  // Object-level calls (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html).
  s3: /Object|^(UploadPart|CreateMultipartUpload|CompleteMultipartUpload|AbortMultipartUpload)/,
  // Publish and PublishBatch (https://docs.aws.amazon.com/sns/latest/dg/sns-logging-using-cloudtrail.html).
  sns: /^Publish/,
  // Message calls (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-logging-using-cloudtrail.html).
  sqs: /Message/,
};

/** Calls CloudTrail records as read-only (`readOnly: true`), by name. */
const READ_ONLY =
  /^(Describe|Get|List|Lookup|Search|Batch(Get|Describe)|Head|Check|Test|Simulate|AssumeRole|Decrypt|Encrypt|GenerateDataKey|Verify)/;

/** Services whose event source is not `<service>.amazonaws.com` (the registry's names: aws/clients/registry.ts). */
const EVENT_SOURCES: Readonly<Record<string, string>> = {
  eventbridge: 'events.amazonaws.com',
  sfn: 'states.amazonaws.com',
  cloudwatch: 'monitoring.amazonaws.com',
};

/** Global services record their calls in US East (N. Virginia). */
const GLOBAL = new Set(['iam', 'organizations']);

/**
 * Lambda's event names carry the API version the call was made with
 * (https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html): `UpdateFunctionCode20150331v2`,
 * `AddPermission20150331v2`, `PutFunctionConcurrency20171031`, `CreateFunction20150331`.
 */
function lambdaEventName(action: string): string {
  if (/Concurrency$/.test(action)) return `${action}20171031`;
  if (/^(UpdateFunctionCode|UpdateFunctionConfiguration|AddPermission|RemovePermission)$/.test(action))
    return `${action}20150331v2`;
  return `${action}20150331`;
}

/** One event as the history holds it: when it can be looked up, and its record (serialized on lookup). */
interface HeldEvent {
  /** The order events were recorded in, for NextToken. */
  readonly seq: number;
  readonly eventId: string;
  readonly eventName: string;
  readonly eventSource: string;
  readonly eventTimeMs: number;
  readonly visibleAtMs: number;
  readonly readOnly: boolean;
  readonly username: string | undefined;
  readonly record: Record<string, unknown>;
}

const NINETY_DAYS_MS = 90 * 86_400_000;
const LOOKUP_KEYS = new Set(['EventId', 'EventName', 'EventSource', 'ReadOnly', 'Username']);

export class CloudTrailFake implements FakeService {
  /** How long after its call an event can be looked up (the scenario's `cloudTrail.historyDelayMinutes`). */
  delayMs = 15 * 60_000;
  /** Events by `account|region`, oldest first. */
  private readonly history = new Map<string, HeldEvent[]>();
  private recordedCount = 0;

  constructor(private readonly now: () => number) {}

  /** Records one answered (or refused) call of a fake, if it is a write management event. */
  record(call: FakeCall, response: unknown, error?: Error): void {
    if (call.service === 'cloudtrail' || READ_ONLY.test(call.action)) return;
    if (DATA_EVENTS[call.service]?.test(call.action)) return;
    const region = GLOBAL.has(call.service) ? 'us-east-1' : call.region;
    const eventSource = EVENT_SOURCES[call.service] ?? `${call.service}.amazonaws.com`;
    const eventName = call.service === 'lambda' ? lambdaEventName(call.action) : call.action;
    const at = this.now();
    // Ids in the order calls were recorded, not random: the same scenario run twice holds the same history.
    const seq = ++this.recordedCount;
    const id = (part: string) => `00000000-0000-4000-${part}-${seq.toString(16).padStart(12, '0')}`;
    const detail: Record<string, unknown> = apiCallRecord(
      {
        source: `aws.${call.service}`,
        eventSource,
        eventName,
        account: call.accountId,
        region,
        time: new Date(at).toISOString(),
        caller: call.principal,
        requestParameters: recordedMembers(call.input),
        responseElements: error ? null : typeof response === 'object' && response !== null ? {} : null,
        error: error && { name: error.name, message: error.message },
      },
      id('9000'),
      id('8000'),
    );
    const identity = detail.userIdentity as {
      arn?: string;
      sessionContext?: { sessionIssuer?: { userName?: string } };
    };
    const key = `${call.accountId}|${region}`;
    const held = this.history.get(key) ?? [];
    // Older than 90 days: gone from the history.
    while (held.length > 0 && (held[0]?.eventTimeMs ?? at) < at - NINETY_DAYS_MS) held.shift();
    held.push({
      seq,
      eventId: String(detail.eventID),
      eventName,
      eventSource,
      eventTimeMs: Date.parse(String(detail.eventTime)),
      visibleAtMs: at + this.delayMs,
      readOnly: false,
      username: identity.arn?.split('/').at(-1),
      record: detail,
    });
    this.history.set(key, held);
  }

  /** Every event recorded in `region` of `account`, looked up or not yet (tests, the report). */
  recorded(account: string, region: string): readonly Record<string, unknown>[] {
    return (this.history.get(`${account}|${region}`) ?? []).map((e) => e.record);
  }

  handle(call: FakeCall): unknown {
    if (call.action !== 'LookupEvents') throw new NotImplementedByFakeError('cloudtrail', call.action);
    return this.lookup(call);
  }

  private lookup(call: FakeCall): unknown {
    const input = call.input as {
      LookupAttributes?: { AttributeKey?: string; AttributeValue?: string }[];
      StartTime?: Date;
      EndTime?: Date;
      EventCategory?: string;
      MaxResults?: number;
      NextToken?: string;
    };
    const attributes = input.LookupAttributes ?? [];
    if (attributes.length > 1)
      throw new InvalidLookupAttributesException({
        message: 'You can only specify one lookup attribute.',
        $metadata: { httpStatusCode: 400 },
      });
    const max = input.MaxResults ?? 50;
    if (!Number.isInteger(max) || max < 1 || max > 50)
      throw new InvalidMaxResultsException({
        message: 'The maximum results value must be between 1 and 50.',
        $metadata: { httpStatusCode: 400 },
      });
    const now = this.now();
    const start = input.StartTime ? input.StartTime.getTime() : now - NINETY_DAYS_MS;
    const end = input.EndTime ? input.EndTime.getTime() : now;
    if (start > end)
      throw new InvalidTimeRangeException({
        message: 'The start time must be before the end time.',
        $metadata: { httpStatusCode: 400 },
      });
    const attribute = attributes[0];
    if (attribute && !LOOKUP_KEYS.has(attribute.AttributeKey ?? ''))
      throw new NotImplementedByFakeError('cloudtrail', `LookupEvents by ${attribute.AttributeKey}`);
    // Insights events only when asked for; this history holds none.
    if (input.EventCategory === 'insight') return { Events: [] };
    const matches = (e: HeldEvent): boolean => {
      if (!attribute) return true;
      const value = attribute.AttributeValue ?? '';
      switch (attribute.AttributeKey) {
        case 'EventId':
          return e.eventId === value;
        case 'EventName':
          return e.eventName === value;
        case 'EventSource':
          return e.eventSource === value;
        case 'ReadOnly':
          return String(e.readOnly) === value;
        default:
          return e.username === value;
      }
    };
    const after = this.pageAfter(input.NextToken);
    const held = this.history.get(`${call.accountId}|${call.region}`) ?? [];
    const page: HeldEvent[] = [];
    let more = false;
    // Newest first: from the end of the (oldest-first) list.
    for (let i = held.length - 1; i >= 0; i--) {
      const e = held[i] as HeldEvent;
      if (e.visibleAtMs > now || e.eventTimeMs > end || e.eventTimeMs < now - NINETY_DAYS_MS) continue;
      if (e.eventTimeMs < start) break;
      if (after !== undefined && e.seq >= after) continue;
      if (!matches(e)) continue;
      if (page.length === max) {
        more = true;
        break;
      }
      page.push(e);
    }
    const last = page.at(-1);
    return {
      Events: page.map((e) => ({
        EventId: e.eventId,
        EventName: e.eventName,
        ReadOnly: String(e.readOnly),
        EventTime: new Date(e.eventTimeMs),
        EventSource: e.eventSource,
        ...(e.username ? { Username: e.username } : {}),
        Resources: [],
        CloudTrailEvent: JSON.stringify(e.record),
      })),
      ...(more && last ? { NextToken: Buffer.from(`after:${last.seq}`).toString('base64') } : {}),
    };
  }

  /** The last event a page ended with (its `seq`), from its NextToken. */
  private pageAfter(token: string | undefined): number | undefined {
    if (token === undefined) return undefined;
    const [, seq] = /^after:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8')) ?? [];
    if (seq === undefined)
      throw new InvalidNextTokenException({ message: 'Invalid NextToken.', $metadata: { httpStatusCode: 400 } });
    return Number(seq);
  }
}
