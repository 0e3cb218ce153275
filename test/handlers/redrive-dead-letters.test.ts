import { readFileSync } from 'node:fs';
import { InvokeCommand, LambdaClient, ServiceException } from '@aws-sdk/client-lambda';
import { ConflictException, CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { payloadDigest } from '../../core/redrive/failed-invocations.js';
import { MAX_PER_QUEUE, redriveDeadLetters } from '../../functions/redrive-dead-letters.js';
import { mockClient } from '../helpers/mock-client.js';
import { deadLetter, NOW, payload, QUEUE, SELF, START_BUILDS, setRedriveEnv } from './dead-letter-fixtures.js';
import { catalog } from './promotion-fixtures.js';

/** CloudWatch's single-metric alarm state change, as the CloudWatch User Guide's sample shows it. */
const sample = JSON.parse(
  readFileSync(new URL('../fixtures/cloudwatch-alarm-state-change.json', import.meta.url), 'utf8'),
) as { detail: { state: Record<string, string> } & Record<string, unknown> } & Record<string, unknown>;
const FULL_PASS = { redrive: 'dead-letters' } as const;

/** What the failing handler recorded of request `r-<n>` (functions/lib/failed-invocations.ts). */
const recordOf = (n: number, target = START_BUILDS) => ({
  pk: `FAILED-INVOCATION#r-${n}`,
  sk: 'RECORD',
  functionArn: target,
  digest: payloadDigest({ ...payload, n }),
  failedAt: '2027-01-14T03:02:00.000Z',
});

describe('redriveDeadLetters', () => {
  const sqs = mockClient(SQSClient);
  const lambda = mockClient(LambdaClient);
  const ddb = mockClient(DynamoDBDocumentClient);
  const scheduler = mockClient(SchedulerClient);
  const sns = mockClient(SNSClient);

  /**
   * The ledger: each request's failure as its handler recorded it (`records`, by request id; every request by
   * default), and the re-drive history of the work.
   */
  const ledgerHolds = (
    history?: Record<string, unknown>,
    records: (requestId: string) => Record<string, unknown> | undefined = (id) => recordOf(Number(id.slice(2))),
  ) => {
    ddb.on(GetCommand).callsFake((input: { Key: { pk: string } }) => {
      const pk = input.Key.pk;
      if (pk.startsWith('FAILED-INVOCATION#')) return { Item: records(pk.slice('FAILED-INVOCATION#'.length)) };
      return history ? { Item: history } : {};
    });
  };

  const queueHolds = (messages: Message[]) => {
    let rest = [...messages];
    sqs.on(ReceiveMessageCommand).callsFake((input: { MaxNumberOfMessages?: number }) => {
      const taken = rest.slice(0, input.MaxNumberOfMessages ?? 1);
      rest = rest.slice(taken.length);
      return { Messages: taken };
    });
  };

  beforeEach(() => {
    process.env.LEDGER_TABLE = 'ledger';
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
    setRedriveEnv([QUEUE]);
    process.env.REDRIVE_SCHEDULE_GROUP = 'goldsmith-prod-redrive';
    process.env.REDRIVE_SCHEDULER_ROLE_ARN = 'arn:aws:iam::111122223333:role/follow-up';
    sqs.on(DeleteMessageCommand).resolves({});
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:…' });
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    ledgerHolds();
    ddb.on(UpdateCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'n-1' });
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:goldsmith-prod-notifications';
  });

  afterEach(() => {
    sqs.reset();
    lambda.reset();
    ddb.reset();
    scheduler.reset();
    sns.reset();
  });

  it('invokes a transiently failed invocation again, asynchronously, with its payload, then deletes it', async () => {
    queueHolds([deadLetter(1)]);

    const report = await redriveDeadLetters(FULL_PASS, SELF, NOW);

    expect(report).toEqual({
      looked: [QUEUE],
      redriven: ['goldsmith-prod-StartBuilds: ServiceUnavailableException'],
      left: [],
      waiting: [],
      failed: [],
      refused: [],
      followUps: [expect.stringMatching(/^redrive-[0-9a-f]{16}-202701141210$/)],
    });
    const invoke = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(invoke).toMatchObject({ FunctionName: START_BUILDS, InvocationType: 'Event' });
    expect(JSON.parse(new TextDecoder().decode(invoke?.Payload as Uint8Array))).toEqual({ ...payload, n: 1 });
    expect(sqs).toHaveReceivedCommandWith(DeleteMessageCommand, { QueueUrl: QUEUE, ReceiptHandle: 'receipt-1' });
    // The handler's record of the failure is consumed by this message, conditionally: a replay cannot use it again.
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'FAILED-INVOCATION#r-1', sk: 'RECORD' },
      ConditionExpression: expect.stringContaining('attribute_not_exists(consumedBy)'),
      ExpressionAttributeValues: expect.objectContaining({ ':message': 'm-1' }),
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'REDRIVE', sk: expect.any(String) },
      ExpressionAttributeValues: expect.objectContaining({ ':first': '2027-01-14T03:03:00.000Z', ':one': 1 }),
    });
  });

  it('leaves permanent failures, functions that are not ours, and work failing past the retry horizon', async () => {
    queueHolds([
      deadLetter(1, 'MalformedEventError'),
      deadLetter(2, 'ServiceUnavailableException', 'arn:aws:lambda:us-east-1:111122223333:function:someone-else'),
      deadLetter(3),
    ]);
    ledgerHolds(
      { firstDeadLetteredAt: '2027-01-13T02:00:00.000Z', lastRedriveAt: '2027-01-14T03:00:00.000Z', redrives: 8 },
      (id) =>
        id === 'r-2'
          ? recordOf(2, 'arn:aws:lambda:us-east-1:111122223333:function:someone-else')
          : recordOf(Number(id.slice(2))),
    );

    const report = await redriveDeadLetters(FULL_PASS, SELF, NOW);

    expect(report.redriven).toEqual([]);
    expect(report.left).toEqual([
      expect.stringContaining('MalformedEventError is permanent'),
      expect.stringContaining('is not a Goldsmith function'),
      expect.stringContaining('still failing after the retry horizon'),
    ]);
    expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
    expect(sqs).not.toHaveReceivedCommand(DeleteMessageCommand);
    // Hidden for half a day, so hourly looks do not re-read them (and silence the age alarm).
    expect(sqs).toHaveReceivedCommandTimes(ChangeMessageVisibilityCommand, 3);
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, { VisibilityTimeout: 43_200 });
  });

  it('keeps a dead letter whose re-drive Lambda refused, for the next run', async () => {
    queueHolds([deadLetter(1)]);
    lambda.on(InvokeCommand).rejects(new ServiceException({ message: 'internal error', $metadata: {} }));

    const report = await redriveDeadLetters(FULL_PASS, SELF, NOW);

    expect(report.failed).toEqual([expect.stringContaining('ServiceException')]);
    expect(sqs).not.toHaveReceivedCommand(DeleteMessageCommand);
  });

  it('hides work re-driven less than an hour ago that failed again, and re-drives it once the hour has passed', async () => {
    queueHolds([deadLetter(1)]);
    ledgerHolds({
      firstDeadLetteredAt: '2027-01-14T02:00:00.000Z',
      lastRedriveAt: '2027-01-14T11:30:00.000Z',
      redrives: 9,
    });
    const report = await redriveDeadLetters(FULL_PASS, SELF, NOW);
    expect(report.waiting).toEqual([
      'goldsmith-prod-StartBuilds: ServiceUnavailableException: re-driven at 2027-01-14T11:30:00.000Z',
    ]);
    expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
    expect(sqs).not.toHaveReceivedCommand(DeleteMessageCommand);
    expect(sqs).not.toHaveReceivedCommand(ChangeMessageVisibilityCommand);
    // Taken with an hour's visibility: it reappears when the spacing has passed.
    expect(sqs).toHaveReceivedCommandWith(ReceiveMessageCommand, { VisibilityTimeout: 3600 });

    queueHolds([deadLetter(1)]);
    const later = await redriveDeadLetters(FULL_PASS, SELF, new Date('2027-01-14T12:31:00Z'));
    expect(later.redriven).toHaveLength(1);
  });

  it('looks only at the queue whose depth alarm entered ALARM, and asks for a follow-up look at it', async () => {
    const other = 'https://sqs.us-east-1.amazonaws.com/111122223333/goldsmith-prod-HealthDlq';
    setRedriveEnv([other, QUEUE]);
    queueHolds([deadLetter(1)]);
    const alarm = (value: string, queueName = 'goldsmith-prod-TriggersDlq') => ({
      ...sample,
      source: 'aws.cloudwatch' as const,
      'detail-type': 'CloudWatch Alarm State Change' as const,
      detail: {
        ...sample.detail,
        alarmName: 'DlqDepthAlarm',
        state: { ...sample.detail.state, value },
        configuration: {
          metrics: [
            {
              metricStat: {
                metric: { name: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: queueName } },
              },
            },
          ],
        },
      },
    });

    const report = await redriveDeadLetters(alarm('ALARM'), SELF, NOW);

    expect(report.looked).toEqual([QUEUE]);
    expect(report.redriven).toHaveLength(1);
    expect(scheduler).toHaveReceivedCommandWith(CreateScheduleCommand, {
      GroupName: 'goldsmith-prod-redrive',
      ScheduleExpression: 'at(2027-01-14T12:10:00)',
      ActionAfterCompletion: 'DELETE',
      Target: expect.objectContaining({
        Arn: SELF,
        RoleArn: 'arn:aws:iam::111122223333:role/follow-up',
        Input: JSON.stringify({ redrive: 'queue', queue: 'goldsmith-prod-TriggersDlq' }),
      }),
    });
    expect((await redriveDeadLetters(alarm('OK'), SELF, NOW)).looked).toEqual([]);
    expect((await redriveDeadLetters(alarm('ALARM', 'someone-elses'), SELF, NOW)).ignored).toMatch(
      /not a dead-letter queue/,
    );
  });

  it('reads an empty queue once and asks for no follow-up; a follow-up already asked for is not an error', async () => {
    queueHolds([]);
    const empty = await redriveDeadLetters({ redrive: 'queue', queue: 'goldsmith-prod-TriggersDlq' }, SELF, NOW);
    expect(empty).toMatchObject({ looked: [QUEUE], followUps: [], failed: [] });
    expect(sqs).toHaveReceivedCommandTimes(ReceiveMessageCommand, 1);
    expect(scheduler).not.toHaveReceivedCommand(CreateScheduleCommand);

    queueHolds([deadLetter(1)]);
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    const again = await redriveDeadLetters({ redrive: 'queue', queue: 'goldsmith-prod-TriggersDlq' }, SELF, NOW);
    expect(again).toMatchObject({ failed: [], followUps: [expect.stringMatching(/^redrive-/)] });
  });

  it('takes at most a hundred messages a queue per look, ten at a time', async () => {
    queueHolds(Array.from({ length: 150 }, (_, i) => deadLetter(i)));

    const report = await redriveDeadLetters(FULL_PASS, SELF, NOW);

    expect(report.redriven).toHaveLength(MAX_PER_QUEUE);
    const asks = sqs.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input.MaxNumberOfMessages);
    expect(asks).toEqual(Array(10).fill(10));
  });

  /** The `claim-refused` announcements published. */
  const refusals = () =>
    sns
      .commandCalls(PublishCommand)
      .map((c) => JSON.parse(JSON.parse(String(c.args[0].input.Message)).default))
      .filter((n) => n.event === 'claim-refused');

  it('never invokes a failure record Goldsmith did not record: kept for a person, announced once as claim-refused', async () => {
    queueHolds([deadLetter(1)]);
    ledgerHolds(undefined, () => undefined);

    const report = await redriveDeadLetters(FULL_PASS, SELF, NOW);

    expect(report.redriven).toEqual([]);
    expect(report.refused).toEqual([expect.stringContaining('recorded no failed invocation under that request id')]);
    expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
    expect(sqs).not.toHaveReceivedCommand(DeleteMessageCommand);
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, { VisibilityTimeout: 43_200 });
    expect(refusals()).toEqual([
      expect.objectContaining({
        severity: 'critical',
        detail: expect.objectContaining({ claim: 'dead-letter', found: 'goldsmith-prod-StartBuilds, request r-1' }),
      }),
    ]);
  });

  it('deletes, never invokes, a record whose function or payload is not the recorded one, or a replay of one re-driven', async () => {
    const forgedPayload = deadLetter(1);
    forgedPayload.Body = forgedPayload.Body?.replace('"n":1', '"n":1,"manual":{"image":"base"}');
    const otherFunction = deadLetter(2, 'ServiceUnavailableException', `${START_BUILDS}-Other`);
    const replay = { ...deadLetter(3), MessageId: 'm-replayed' };
    queueHolds([forgedPayload, otherFunction, replay]);
    ledgerHolds(undefined, (id) =>
      id === 'r-3' ? { ...recordOf(3), consumedBy: 'm-3' } : recordOf(Number(id.slice(2))),
    );

    const report = await redriveDeadLetters(FULL_PASS, SELF, NOW);

    expect(report.redriven).toEqual([]);
    expect(report.refused).toEqual([
      expect.stringContaining('its payload is not the one the request failed with'),
      expect.stringContaining('failed in arn:aws:lambda:us-east-1:111122223333:function:goldsmith-prod-StartBuilds'),
      expect.stringContaining('already re-driven from another dead letter'),
    ]);
    expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
    expect(sqs).toHaveReceivedCommandTimes(DeleteMessageCommand, 3);
    expect(refusals()).toHaveLength(3);
  });

  it('refuses a replay that consumes the record first (the conditional write fails): deleted, not invoked', async () => {
    queueHolds([deadLetter(1)]);
    ddb
      .on(UpdateCommand)
      .rejects(Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' }));

    const report = await redriveDeadLetters(FULL_PASS, SELF, NOW);

    expect(report.refused).toEqual([expect.stringContaining('already re-driven from another dead letter')]);
    expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
    expect(sqs).toHaveReceivedCommandTimes(DeleteMessageCommand, 1);
  });
});
