import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { BatchGetCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { publish } from '../../functions/promotion/publish.js';
import { channelItem, ledgerFactsAnswer, OU } from './promotion-fixtures.js';
import { newPointerShare, usePublishWorld } from './publish-fixtures.js';

/** The flag revocation writes on a child built on its revoked parent, here after the child passed Gate and approval. */
const FLAG = 'built on revoked base 1.0.0/2';

describe('publish of a version flagged after it passed Gate', () => {
  const { ddb, ssm, bus, ram } = usePublishWorld();

  beforeEach(() => {
    newPointerShare(ram, [OU('ou-x1y2-stg00001'), OU('ou-x1y2-dev00001')]);
    ddb.on(BatchGetCommand).callsFake(ledgerFactsAnswer({ lineage: { flaggedReason: FLAG } }));
  });

  it('stops with BuiltOnRevoked before the pointer moves: no CHANNEL#, no parameter, no "Image Promoted"', async () => {
    await expect(publish(channelItem('staging'))).rejects.toMatchObject({
      name: 'BuiltOnRevoked',
      message: expect.stringContaining(`${FLAG}: held`),
    });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    expect(bus).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('finishes a retry whose first attempt moved the pointer before the flag was written', async () => {
    ddb
      .on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'CHANNEL#staging' } })
      .resolves({ Item: { image: 'base', channel: 'staging', version: '1.0.0/3' } });

    await publish(channelItem('staging'));

    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ sk: 'PROMOTION#1.0.0/3#staging', outcome: 'promoted' }),
    });
  });

  it('stops all the same when the pointer names an earlier version', async () => {
    ddb
      .on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'CHANNEL#staging' } })
      .resolves({ Item: { image: 'base', channel: 'staging', version: '1.0.0/1' } });

    await expect(publish(channelItem('staging'))).rejects.toMatchObject({ name: 'BuiltOnRevoked' });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });
});
