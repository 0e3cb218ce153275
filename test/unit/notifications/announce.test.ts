import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  announce,
  notificationHooks,
  publishAnnouncement,
  redeliverAnnouncements,
} from '../../../aws/notifications.js';
import { SAMPLE_NOTIFICATIONS } from '../../fixtures/notifications.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:goldsmith-test-notifications';

// One mock per client class for the file: a second mockClient of the same class would replace the first.
const sns = mockClient(SNSClient);
const ddb = mockClient(DynamoDBDocumentClient);

describe('announce', () => {
  const failures: string[] = [];

  beforeEach(() => {
    process.env.NOTIFY_TOPIC_ARN = TOPIC;
    process.env.LEDGER_TABLE = 'ledger';
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    ddb.on(PutCommand).resolves({});
    notificationHooks.onFailed = (n, _e, queued) => failures.push(`${n.event}:${queued}`);
  });

  afterEach(() => {
    sns.reset();
    ddb.reset();
    failures.length = 0;
    notificationHooks.onFailed = () => undefined;
  });

  it('publishes JSON for machines, text for email, and the filter attributes', async () => {
    const n = SAMPLE_NOTIFICATIONS.promoted;

    expect(await announce(n)).toBe(true);

    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ TopicArn: TOPIC, MessageStructure: 'json', Subject: n.title });
    const bodies = JSON.parse(input?.Message ?? '{}') as Record<string, string>;
    expect(JSON.parse(bodies.default ?? '')).toEqual(n);
    expect(bodies.email).toContain(n.summary);
    expect(input?.MessageAttributes).toEqual({
      event: { DataType: 'String', StringValue: 'promoted' },
      image: { DataType: 'String', StringValue: 'base' },
      channel: { DataType: 'String', StringValue: 'prod' },
      severity: { DataType: 'String', StringValue: 'info' },
    });
  });

  it('keeps an announcement SNS refused for redelivery instead of failing the caller', async () => {
    sns.on(PublishCommand).rejects(new Error('InternalError'));

    expect(await announce(SAMPLE_NOTIFICATIONS['build-failed'])).toBe(false);

    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ pk: 'NOTIFY#UNDELIVERED', sk: SAMPLE_NOTIFICATIONS['build-failed'].id }),
    });
    expect(failures).toEqual(['build-failed:true']);
  });

  it('still does not throw when neither SNS nor the ledger answers, and says so', async () => {
    sns.on(PublishCommand).rejects(new Error('InternalError'));
    ddb.on(PutCommand).rejects(new Error('ServiceUnavailable'));

    expect(await announce(SAMPLE_NOTIFICATIONS.expired)).toBe(false);
    expect(failures).toEqual(['expired:false']);
  });

  it('refuses an announcement that breaks the contract, publishing nothing', async () => {
    const broken = { ...SAMPLE_NOTIFICATIONS.promoted, detail: { amis: [], pointer: '' } };

    await expect(publishAnnouncement(broken)).rejects.toThrow(/detail\.pointer/);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });
});

describe('redeliverAnnouncements', () => {
  beforeEach(() => {
    process.env.NOTIFY_TOPIC_ARN = TOPIC;
    process.env.LEDGER_TABLE = 'ledger';
    ddb.on(DeleteCommand).resolves({});
    ddb.on(QueryCommand).resolves({
      Items: [
        { pk: 'NOTIFY#UNDELIVERED', sk: 'a', notification: SAMPLE_NOTIFICATIONS.rejected },
        { pk: 'NOTIFY#UNDELIVERED', sk: 'b', notification: SAMPLE_NOTIFICATIONS.expired },
      ],
    });
  });

  afterEach(() => {
    sns.reset();
    ddb.reset();
  });

  it('publishes what waited and removes only what was delivered', async () => {
    sns.on(PublishCommand).resolvesOnce({ MessageId: 'm-1' }).rejects(new Error('InternalError'));

    expect(await redeliverAnnouncements()).toEqual({ redelivered: 1, pending: 1 });
    expect(ddb).toHaveReceivedCommandTimes(DeleteCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { pk: 'NOTIFY#UNDELIVERED', sk: 'a' } });
  });
});
