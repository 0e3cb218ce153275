import {
  AssociateResourceShareCommand,
  CreateResourceShareCommand,
  GetResourceShareAssociationsCommand,
  GetResourceSharesCommand,
} from '@aws-sdk/client-ram';
import { BatchGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { heldShareCovers } from '../../functions/promotion/pointers.js';
import { publish } from '../../functions/promotion/publish.js';
import { channelItem, ledgerFactsAnswer, OU } from './promotion-fixtures.js';
import { SHARE_ARN, usePublishWorld } from './publish-fixtures.js';

const { ddb, ram } = usePublishWorld({ Version: 4, Tier: 'Advanced' });
const PROD_PRINCIPALS: string[] = [OU('ou-x1y2-prd00001'), OU('ou-x1y2-prd00002')];
const NOW = Date.parse('2027-02-10T12:00:00.000Z');
/** The prod pointer share as RAM answers it when Goldsmith made it: tagged, no external principals. */
const OUR_SHARE = {
  name: 'goldsmith-pointers-prod',
  resourceShareArn: SHARE_ARN,
  allowExternalPrincipals: false,
  tags: [{ key: 'goldsmith:purpose', value: 'channel-pointers' }],
};
const param = (region: string) => `arn:aws:ssm:${region}:111122223333:parameter/goldsmith/base/prod`;

/** The ledger holds the prod share in both Regions, confirmed `verifiedAt`, with `resources` per Region. */
function holdShares(verifiedAt: string, resources: (region: string) => string[], amis = channelItem().build.amis) {
  ddb.on(BatchGetCommand).callsFake(
    ledgerFactsAnswer({
      loaded: { amis },
      extra: ['us-east-1', 'eu-west-1'].map((region) => ({
        pk: `RAMSHARE#${region}`,
        sk: 'SHARE#goldsmith-pointers-prod',
        region,
        name: 'goldsmith-pointers-prod',
        resourceShareArn: SHARE_ARN,
        principals: [...PROD_PRINCIPALS],
        resources: new Set(resources(region)),
        verifiedAt,
      })),
    }),
  );
}

describe('publish (the pointer share held in the ledger)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it('makes no RAM call when the ledger holds the share with these principals and this parameter, confirmed today', async () => {
    holdShares('2027-02-10T03:00:00.000Z', (r) => [param(r), `${param(r)}-other`]);

    await publish(channelItem('prod'));

    expect(ram.calls()).toHaveLength(0);
    expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'RAMSHARE#us-east-1', sk: 'SHARE#goldsmith-pointers-prod' },
    });
  });

  it('associates only the new parameter, then holds it, when the share is held without it', async () => {
    // A build in one Region only: one parameter to associate.
    holdShares('2027-02-10T03:00:00.000Z', () => [], [channelItem().build.amis[0]!]);
    let associated = false;
    ram.on(GetResourceSharesCommand).resolves({ resourceShares: [OUR_SHARE] });
    ram
      .on(GetResourceShareAssociationsCommand)
      .callsFake((input: { associationType: string; resourceArn?: string }) => ({
        resourceShareAssociations:
          input.associationType === 'PRINCIPAL'
            ? PROD_PRINCIPALS.map((p) => ({ associatedEntity: p, status: 'ASSOCIATED' }))
            : associated
              ? [{ associatedEntity: input.resourceArn, status: 'ASSOCIATED' }]
              : [],
      }));
    ram.on(AssociateResourceShareCommand).callsFake(() => {
      associated = true;
      return {};
    });

    await publish({
      ...channelItem('prod'),
      build: { ...channelItem('prod').build, amis: [channelItem().build.amis[0]!] },
    });

    expect(ram).toHaveReceivedCommandTimes(AssociateResourceShareCommand, 1);
    expect(ram).toHaveReceivedCommandWith(AssociateResourceShareCommand, {
      resourceShareArn: SHARE_ARN,
      resourceArns: [param('us-east-1')],
    });
    // The ledger says the parameter is not in the share: no read before the association, one read confirming it.
    const order = ram.calls().map((c) => c.args[0].constructor.name);
    expect(order).toEqual(['AssociateResourceShareCommand', 'GetResourceShareAssociationsCommand']);
    expect(ram).not.toHaveReceivedCommand(CreateResourceShareCommand);
    // The share and its principals are held: no share lookup and no principal read, only the parameter's.
    expect(ram).not.toHaveReceivedCommand(GetResourceSharesCommand);
    expect(ram).not.toHaveReceivedCommandWith(GetResourceShareAssociationsCommand, { associationType: 'PRINCIPAL' });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'RAMSHARE#us-east-1', sk: 'SHARE#goldsmith-pointers-prod' },
      ExpressionAttributeValues: expect.objectContaining({
        ':principals': PROD_PRINCIPALS,
        ':resource': new Set([param('us-east-1')]),
        ':at': '2027-02-10T12:00:00.000Z',
      }),
    });
  });

  it('finds or makes the share again when the held one is gone (deleted outside Goldsmith)', async () => {
    holdShares('2027-02-10T03:00:00.000Z', () => [], [channelItem().build.amis[0]!]);
    const gone = Object.assign(new Error('ResourceShare not found'), { name: 'UnknownResourceException' });
    ram.on(GetResourceShareAssociationsCommand, { resourceShareArns: [SHARE_ARN] }).rejects(gone);
    ram.on(GetResourceSharesCommand).resolves({ resourceShares: [] });
    ram
      .on(CreateResourceShareCommand)
      .resolves({ resourceShare: { ...OUR_SHARE, resourceShareArn: `${SHARE_ARN}-new` } });
    ram
      .on(GetResourceShareAssociationsCommand, { resourceShareArns: [`${SHARE_ARN}-new`] })
      .callsFake((input: { associationType: string; resourceArn?: string }) => ({
        resourceShareAssociations:
          input.associationType === 'PRINCIPAL'
            ? PROD_PRINCIPALS.map((p) => ({ associatedEntity: p, status: 'ASSOCIATED' }))
            : [{ associatedEntity: input.resourceArn, status: 'ASSOCIATED' }],
      }));

    await publish({
      ...channelItem('prod'),
      build: { ...channelItem('prod').build, amis: [channelItem().build.amis[0]!] },
    });

    expect(ram).toHaveReceivedCommandTimes(CreateResourceShareCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'RAMSHARE#us-east-1', sk: 'SHARE#goldsmith-pointers-prod' },
      ExpressionAttributeValues: expect.objectContaining({ ':arn': `${SHARE_ARN}-new` }),
    });
  });

  it('trusts a held share confirmed long ago: a change outside Goldsmith is the daily backstop’s to repair', async () => {
    // Confirmed a month ago; the reconciler's backstop (pointer-share-backstop) compares it with RAM every day.
    holdShares('2027-01-10T11:00:00.000Z', (r) => [param(r)]);

    await publish(channelItem('prod'));

    expect(ram.calls()).toHaveLength(0);
  });

  it('counts a held share as covering only the same principals and a parameter it holds, whatever its age', () => {
    const held = {
      region: 'us-east-1',
      name: 'goldsmith-pointers-prod',
      resourceShareArn: SHARE_ARN,
      principals: [...PROD_PRINCIPALS].sort(),
      resources: [param('us-east-1')],
      verifiedAt: '2026-01-01T00:00:00.000Z',
      withdrawals: 0,
    };
    expect(heldShareCovers(held, [...PROD_PRINCIPALS].reverse(), param('us-east-1'))).toBe(true);
    expect(heldShareCovers(held, PROD_PRINCIPALS.slice(0, 1), param('us-east-1'))).toBe(false);
    expect(heldShareCovers(held, [...PROD_PRINCIPALS, OU('ou-x1y2-prd00003')], param('us-east-1'))).toBe(false);
    expect(heldShareCovers(held, PROD_PRINCIPALS, param('eu-west-1'))).toBe(false);
    expect(heldShareCovers(undefined, PROD_PRINCIPALS, param('us-east-1'))).toBe(false);
  });
});
