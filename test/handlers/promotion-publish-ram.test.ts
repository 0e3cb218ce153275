import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  AssociateResourceShareCommand,
  CreateResourceShareCommand,
  DisassociateResourceShareCommand,
  GetResourceShareAssociationsCommand,
  GetResourceSharesCommand,
} from '@aws-sdk/client-ram';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { publish } from '../../functions/promotion/publish.js';
import { associatedAnswer, channelItem, OU } from './promotion-fixtures.js';
import { newPointerShare, SHARE_ARN, usePublishWorld } from './publish-fixtures.js';

const { ssm, ram, bus } = usePublishWorld({ Version: 4, Tier: 'Advanced' });
const PROD_PRINCIPALS: string[] = [OU('ou-x1y2-prd00001'), OU('ou-x1y2-prd00002')];

/** What a share Goldsmith created carries: its tag, and no external principals. */
const OURS = { tags: [{ key: 'goldsmith:purpose', value: 'channel-pointers' }], allowExternalPrincipals: false };

describe('publish (pointers shared through RAM)', () => {
  it('creates the channel share with the OU ARNs, the parameter and no external principals on first use', async () => {
    newPointerShare(ram, PROD_PRINCIPALS);

    await publish(channelItem('prod'));

    expect(ram).toHaveReceivedCommandWith(GetResourceSharesCommand, {
      resourceOwner: 'SELF',
      name: 'goldsmith-pointers-prod',
      resourceShareStatus: 'ACTIVE',
    });
    expect(ram).toHaveReceivedCommandTimes(CreateResourceShareCommand, 2);
    expect(ram).toHaveReceivedCommandWith(CreateResourceShareCommand, {
      name: 'goldsmith-pointers-prod',
      resourceArns: ['arn:aws:ssm:eu-west-1:111122223333:parameter/goldsmith/base/prod'],
      principals: PROD_PRINCIPALS,
      allowExternalPrincipals: false,
      clientToken: expect.stringMatching(/^[0-9a-f]{64}$/),
      tags: [{ key: 'goldsmith:purpose', value: 'channel-pointers' }],
    });
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, {
      Name: '/goldsmith/base/prod',
      Value: 'ami-0ddd3333eeee4444f',
      Type: 'String',
      DataType: 'aws:ec2:image',
      Tier: 'Advanced',
      Overwrite: true,
    });
  });

  it('adds only the missing principal and the parameter to an existing share, and drops an OU no longer targeted', async () => {
    ram
      .on(GetResourceSharesCommand)
      .resolves({ resourceShares: [{ name: 'goldsmith-pointers-prod', resourceShareArn: SHARE_ARN, ...OURS }] });
    let associated = false;
    ram
      .on(GetResourceShareAssociationsCommand)
      .callsFake((input: { associationType: string; resourceArn?: string }) => {
        if (associated) return associatedAnswer(PROD_PRINCIPALS, SHARE_ARN)(input);
        return {
          resourceShareAssociations:
            input.associationType === 'PRINCIPAL'
              ? [
                  { associatedEntity: PROD_PRINCIPALS[0], status: 'ASSOCIATED' },
                  { associatedEntity: OU('ou-x1y2-old00001'), status: 'ASSOCIATED' },
                ]
              : [],
        };
      });
    ram.on(AssociateResourceShareCommand).callsFake(() => {
      associated = true;
      return {};
    });
    ram.on(DisassociateResourceShareCommand).resolves({});

    await publish({
      ...channelItem('prod'),
      build: { ...channelItem('prod').build, amis: [channelItem().build.amis[0]!] },
    });

    expect(ram).not.toHaveReceivedCommand(CreateResourceShareCommand);
    expect(ram).toHaveReceivedCommandWith(DisassociateResourceShareCommand, {
      resourceShareArn: SHARE_ARN,
      principals: [OU('ou-x1y2-old00001')],
    });
    expect(ram).toHaveReceivedCommandWith(AssociateResourceShareCommand, {
      resourceShareArn: SHARE_ARN,
      principals: [PROD_PRINCIPALS[1] as string],
      resourceArns: ['arn:aws:ssm:us-east-1:111122223333:parameter/goldsmith/base/prod'],
    });
  });

  it.each([
    [
      'made by someone else (no goldsmith:purpose tag)',
      { allowExternalPrincipals: false },
      'was not created by Goldsmith',
    ],
    ['open to external principals', { ...OURS, allowExternalPrincipals: true }, 'allows external principals'],
  ])('refuses to adopt a share of the same name %s, changing nothing', async (_, share, reason) => {
    ram.on(GetResourceSharesCommand).resolves({
      resourceShares: [{ name: 'goldsmith-pointers-prod', resourceShareArn: SHARE_ARN, ...share }],
    });
    await expect(publish(channelItem('prod'))).rejects.toMatchObject({
      name: 'ForeignPointerShare',
      message: expect.stringContaining(reason),
    });
    expect(ram).not.toHaveReceivedCommand(AssociateResourceShareCommand);
    expect(ram).not.toHaveReceivedCommand(DisassociateResourceShareCommand);
    expect(ram).not.toHaveReceivedCommand(CreateResourceShareCommand);
  });

  it('fails with a transient error while RAM is still associating, so the state machine retries', async () => {
    ram.on(GetResourceSharesCommand).resolves({ resourceShares: [] });
    ram.on(CreateResourceShareCommand).resolves({ resourceShare: { resourceShareArn: SHARE_ARN } });
    ram.on(GetResourceShareAssociationsCommand).resolves({
      resourceShareAssociations: [{ associatedEntity: PROD_PRINCIPALS[0], status: 'ASSOCIATING' }],
    });

    await expect(publish(channelItem('prod'))).rejects.toMatchObject({
      name: 'Goldsmith.Transient',
      message: /still associating/,
    });
    expect(bus).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('fails with PointerShareFailed, naming RAM reason, when an association failed', async () => {
    ram.on(GetResourceSharesCommand).resolves({ resourceShares: [] });
    ram.on(CreateResourceShareCommand).resolves({ resourceShare: { resourceShareArn: SHARE_ARN } });
    ram.on(GetResourceShareAssociationsCommand).resolves({
      resourceShareAssociations: [{ associatedEntity: PROD_PRINCIPALS[0], status: 'FAILED', statusMessage: 'nope' }],
    });

    await expect(publish(channelItem('prod'))).rejects.toMatchObject({ name: 'PointerShareFailed', message: /nope/ });
  });
});
