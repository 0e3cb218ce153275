import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  CreateResourceShareCommand,
  GetResourceShareAssociationsCommand,
  GetResourceSharesCommand,
  RAMClient,
} from '@aws-sdk/client-ram';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { imagePromotedDetailSchema } from '../../events/image-promoted.js';
import { publish } from '../../functions/promotion/publish.js';
import { AMIS, associatedAnswer, BUILD_ARN, channelItem, ORGANIZATION } from './promotion-fixtures.js';

// One mock per client for the whole file: mockClient stubs the client prototype, so a second one replaces the first.
const ddb = mockClient(DynamoDBDocumentClient);
const ssm = mockClient(SSMClient);
const ec2 = mockClient(EC2Client);
const bus = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);
const org = mockClient(OrganizationsClient);
const ram = mockClient(RAMClient);
const SHARE_ARN = 'arn:aws:ram:us-east-1:111122223333:resource-share/abc';

describe('publish', () => {
  beforeEach(() => {
    process.env.LEDGER_TABLE = 'ledger';
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    process.env.EVENT_BUS_NAME = 'goldsmith-test';
    ddb.on(PutCommand).resolves({});
    // The build record, read for the AVAILABLE → channel metric.
    ddb.on(GetCommand).resolves({ Item: { status: 'AVAILABLE', updatedAt: '2027-01-20T09:00:00.000Z' } });
    ssm.on(PutParameterCommand).resolves({ Version: 1 });
    ec2.on(CreateTagsCommand).resolves({});
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    sns.on(PublishCommand).resolves({});
    org.on(DescribeOrganizationCommand).resolves({ Organization: ORGANIZATION });
    ram.on(GetResourceSharesCommand).resolves({ resourceShares: [] });
    ram.on(CreateResourceShareCommand).resolves({ resourceShare: { resourceShareArn: SHARE_ARN } });
    ram
      .on(GetResourceShareAssociationsCommand)
      .callsFake(
        associatedAnswer(
          [
            'arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/ou-x1y2-stg00001',
            'arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/ou-x1y2-dev00001',
          ],
          SHARE_ARN,
        ),
      );
  });

  afterEach(() => {
    for (const m of [ddb, ssm, ec2, bus, sns, org, ram]) m.reset();
  });

  it('writes the channel pointer as an aws:ec2:image parameter in every distribution region', async () => {
    await publish(channelItem('staging'));

    expect(ssm).toHaveReceivedCommandTimes(PutParameterCommand, 2);
    for (const ami of AMIS) {
      expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, {
        Name: '/goldsmith/base/staging',
        Value: ami.imageId,
        DataType: 'aws:ec2:image',
        Overwrite: true,
      });
    }
  });

  it('moves the CHANNEL# pointer only forward, tags the AMIs and records promoted', async () => {
    await publish(channelItem('staging'));

    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ sk: 'CHANNEL#staging', version: '1.0.0/3' }),
      ConditionExpression: 'attribute_not_exists(versionKey) OR versionKey <= :vk',
    });
    expect(ec2).toHaveReceivedCommandWith(CreateTagsCommand, {
      Resources: ['ami-0aaa1111bbbb2222c'],
      Tags: [{ Key: 'goldsmith:channel:staging', Value: 'promoted' }],
    });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ sk: 'PROMOTION#1.0.0/3#staging', outcome: 'promoted' }),
      ConditionExpression: 'attribute_not_exists(sk)',
    });
  });

  it('puts an "Image Promoted" event on the bus that parses with the event contract', async () => {
    await publish(channelItem('staging'));

    const entry = bus.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({ EventBusName: 'goldsmith-test', Source: 'goldsmith', DetailType: 'Image Promoted' });
    const detail = imagePromotedDetailSchema.parse(JSON.parse(entry?.Detail ?? '{}'));
    expect(detail).toMatchObject({
      image: 'base',
      version: '1.0.0/3',
      buildVersionArn: BUILD_ARN,
      channel: 'staging',
      amis: AMIS,
    });
  });

  it('never moves a pointer back to an older build: it stops before touching SSM', async () => {
    ddb.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
      if (input.Item.sk === 'CHANNEL#staging')
        throw new ConditionalCheckFailedException({ message: 'newer', $metadata: {} });
      return {};
    });

    await expect(publish(channelItem('staging'))).rejects.toMatchObject({ name: 'Superseded' });
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    expect(bus).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('on a retry after the outcome was recorded, re-sends the event with the first time and announces nothing', async () => {
    ddb.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
      if (input.Item.sk.startsWith('PROMOTION#')) {
        throw new ConditionalCheckFailedException({ message: 'recorded', $metadata: {} });
      }
      return {};
    });
    ddb.on(GetCommand).resolves({ Item: { at: '2027-01-20T10:00:00.000Z' } });

    const detail = await publish(channelItem('staging'));

    expect(detail.promotedAt).toBe('2027-01-20T10:00:00.000Z');
    expect(bus).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('fails loudly when the bus refuses the event, since the cascade depends on it', async () => {
    bus
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'boom' }] });

    await expect(publish(channelItem('dev'))).rejects.toThrow(/PutEvents failed: InternalFailure/);
  });
});
