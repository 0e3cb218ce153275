import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  announce,
  notificationHooks,
  publishAnnouncement,
  redeliverAnnouncements,
} from '../../../aws/notifications/notifications.js';
import { SAMPLE_NOTIFICATIONS } from '../../fixtures/notifications.js';
import { mockClient } from '../../helpers/mock-client.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:goldsmith-test-notifications';

// One mock per client class for the file: a second mockClient of the same class would replace the first.
const sns = mockClient(SNSClient);
const ddb = mockClient(DynamoDBDocumentClient);

type Item = Record<string, unknown>;

/** The ledger's `NOTIFY#SENT` items, as the mocked UpdateCommand keeps them (SET, if_not_exists, ADD; ALL_OLD). */
function sentLedger() {
  const items = new Map<string, Item>();
  ddb
    .on(UpdateCommand)
    .callsFake((input: { Key: { sk: string }; UpdateExpression: string; ExpressionAttributeValues: Item }) => {
      const before = items.get(input.Key.sk);
      const now = input.ExpressionAttributeValues[':now'];
      const after: Item = { ...before };
      if (input.UpdateExpression.includes('ADD deliveries')) {
        after.claimedAt = before?.claimedAt ?? now;
        after.deliveries = Number(before?.deliveries ?? 0) + 1;
      } else if (input.UpdateExpression.includes('publishedAt')) after.publishedAt = now;
      else after.queuedAt ??= now;
      items.set(input.Key.sk, after);
      return { Attributes: before };
    });
  return items;
}

describe('announce', () => {
  const failures: string[] = [];
  const duplicates: string[] = [];

  beforeEach(() => {
    process.env.NOTIFY_TOPIC_ARN = TOPIC;
    process.env.LEDGER_TABLE = 'ledger';
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    notificationHooks.onFailed = (n, _e, queued) => failures.push(`${n.event}:${queued}`);
    notificationHooks.onDuplicate = (n) => duplicates.push(n.event);
  });

  afterEach(() => {
    sns.reset();
    ddb.reset();
    failures.length = 0;
    duplicates.length = 0;
    notificationHooks.onFailed = () => undefined;
    notificationHooks.onDuplicate = () => undefined;
  });

  it('publishes an announcement once, however often a re-delivered event or a retried step makes it', async () => {
    const sent = sentLedger();
    const n = SAMPLE_NOTIFICATIONS['image-available'];
    const at = new Date('2027-01-14T05:00:00Z');

    expect(await announce(n, at)).toBe(true);
    expect(await announce(n, new Date(at.getTime() + 1000))).toBe(true);
    expect(await announce(n, new Date(at.getTime() + 3_600_000))).toBe(true);

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sent.get(n.id)).toMatchObject({ deliveries: 3, publishedAt: at.toISOString() });
    expect(duplicates).toEqual(['image-available', 'image-available']);
  });

  it('publishes the same event about another channel or version: each is its own announcement', async () => {
    sentLedger();
    const dev = SAMPLE_NOTIFICATIONS['gate-passed'];
    const staging = { ...dev, channel: 'staging', id: 'gate-passed-staging-id' };

    await announce(dev);
    await announce(staging);

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
  });

  it('parks a copy it finds mid-flight elsewhere, and takes over a claim whose holder went quiet', async () => {
    const sent = sentLedger();
    const n = SAMPLE_NOTIFICATIONS.promoted;
    const at = new Date('2027-01-14T05:00:00Z');
    sent.set(n.id, { claimedAt: at.toISOString(), deliveries: 1 });

    expect(await announce(n, new Date(at.getTime() + 5_000))).toBe(true);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ pk: 'NOTIFY#UNDELIVERED', sk: n.id }),
    });

    const other = SAMPLE_NOTIFICATIONS.approved;
    sent.set(other.id, { claimedAt: at.toISOString(), deliveries: 1 });
    expect(await announce(other, new Date(at.getTime() + 120_000))).toBe(true);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('still publishes when the ledger cannot be asked: a duplicate beats a lost announcement', async () => {
    ddb.on(UpdateCommand).rejects(new Error('ServiceUnavailable'));

    expect(await announce(SAMPLE_NOTIFICATIONS.rejected)).toBe(true);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
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
    ddb.on(UpdateCommand).resolves({});
    ddb.on(GetCommand).resolves({});
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

  it('drops a parked copy whose first delivery did publish, without publishing it again', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    ddb
      .on(GetCommand, { Key: { pk: 'NOTIFY#SENT', sk: SAMPLE_NOTIFICATIONS.rejected.id } })
      .resolves({ Item: { publishedAt: '2027-01-14T05:00:00.000Z' } });

    expect(await redeliverAnnouncements()).toEqual({ redelivered: 1, pending: 0 });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(ddb).toHaveReceivedCommandTimes(DeleteCommand, 2);
  });
});
