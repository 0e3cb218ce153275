import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { imagePromotedDetailSchema } from '../../events/image-promoted.js';
import { publish } from '../../functions/promotion/publish.js';
import { AMIS, BUILD_ARN, channelItem, OU } from './promotion-fixtures.js';
import { newPointerShare, usePublishWorld } from './publish-fixtures.js';

describe('publish', () => {
  const { ddb, ssm, ec2, bus, sns, ram } = usePublishWorld();

  beforeEach(() => {
    newPointerShare(ram, [OU('ou-x1y2-stg00001'), OU('ou-x1y2-dev00001')]);
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
