import {
  DescribeImageAttributeCommand,
  EnableImageDeprecationCommand,
  ModifyImageAttributeCommand,
} from '@aws-sdk/client-ec2';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DisassociateResourceShareCommand, GetResourceSharesCommand } from '@aws-sdk/client-ram';
import { PublishCommand } from '@aws-sdk/client-sns';
import { DeleteParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, onTestFinished } from 'vitest';
import { configureClients } from '../../aws/clients/registry.js';
import { MalformedEventError } from '../../core/errors.js';
import { revokeVersion } from '../../functions/lifecycle/revoke.js';
import { rollbackChannel } from '../../functions/lifecycle/rollback.js';
import { onLifecycleRequest } from '../../functions/on-lifecycle-request.js';
import { publish } from '../../functions/promotion/publish.js';
import {
  amisOf,
  arnOf,
  baseOnDevAndStaging,
  build,
  conditionFailed,
  DEV_GRANT,
  ledger,
  NOW,
  promoted,
  useLifecycleWorld,
} from './lifecycle-fixtures.js';
import { parameterStore } from './parameter-store-mock.js';
import { channelItem, plans } from './promotion-fixtures.js';

const { ddb, ec2, ssm, bus, sns, ram } = useLifecycleWorld();

/** base 1.0.0/1 promoted to dev and named by its pointer, with `revocation` recorded, revoked by ops-lead for `reason`. */
async function revokeOnDev(reason: string, revocation: Record<string, unknown>): Promise<void> {
  ledger({
    builds: [build('1.0.0/1')],
    outcomes: [promoted('1.0.0/1', 'dev', '2027-02-01T00:00:00Z', 1)],
    revocations: [revocation],
    pointers: { dev: '1.0.0/1' },
  });
  await revokeVersion({ image: 'base', version: '1.0.0/1', reason, by: 'ops-lead', at: NOW }, plans, 'goldsmith-test');
}

describe('revokeVersion', () => {
  it('rolls every pointer naming it back, deprecates it now and asks for the children rebuild', async () => {
    baseOnDevAndStaging([
      { sk: 'BUILD#1.0.0/7', parent: { image: 'base', channel: 'staging', buildVersion: '1.0.0/2' } },
    ]);

    const result = await revokeVersion(
      { image: 'base', version: '1.0.0/2', reason: 'CVE-2027-0001', by: 'ops-lead', at: NOW },
      plans,
      'goldsmith-test',
    );

    expect(result).toMatchObject({
      firstTime: true,
      moves: [
        { channel: 'dev', action: 'roll-back', to: '1.0.0/1' },
        { channel: 'staging', action: 'roll-back', to: '1.0.0/1' },
      ],
      rebuild: ['hardened'],
      grantCalls: 2,
      amisDeprecated: 2,
      descendantsFlagged: 1,
    });
    for (const ami of amisOf(2)) {
      expect(ec2).toHaveReceivedCommandWith(ModifyImageAttributeCommand, {
        ImageId: ami.imageId,
        LaunchPermission: { Remove: [DEV_GRANT] },
      });
    }
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/2' },
      // Revoked once, or again after a restore.
      ConditionExpression: 'attribute_not_exists(revokedAt)',
    });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        sk: 'CHANNEL#staging',
        version: '1.0.0/1',
        amis: amisOf(1),
        rolledBackFrom: '1.0.0/2',
      }),
      ConditionExpression: 'version = :from',
      ExpressionAttributeValues: { ':from': '1.0.0/2' },
    });
    for (const ami of amisOf(1)) {
      expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, {
        Name: '/goldsmith/base/staging',
        Value: ami.imageId,
        DataType: 'aws:ec2:image',
        Overwrite: true,
      });
    }
    for (const ami of amisOf(2)) {
      expect(ec2).toHaveReceivedCommandWith(EnableImageDeprecationCommand, { ImageId: ami.imageId });
    }
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#hardened', sk: 'BUILD#1.0.0/7' },
      ExpressionAttributeValues: { ':at': NOW.toISOString(), ':r': 'built on revoked base 1.0.0/2' },
    });
    const entries = bus.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries.map((e) => e.DetailType)).toEqual(['Image Rebuild Requested', 'Image Revoked']);
    expect(JSON.parse(entries[0]?.Detail ?? '{}')).toMatchObject({
      image: 'hardened',
      requestId: 'revoked:base:1.0.0/2',
    });
    expect(JSON.parse(entries[1]?.Detail ?? '{}')).toEqual({
      image: 'base',
      version: '1.0.0/2',
      buildVersionArn: arnOf('1.0.0/2'),
      channels: ['dev', 'staging'],
      reason: 'CVE-2027-0001',
      by: 'ops-lead',
      revokedAt: NOW.toISOString(),
      schemaVersion: 2,
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: 'base 1.0.0/2: revoked' });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: 'base/staging: rolled back to 1.0.0/1' });
  });

  it('withdraws a pointer when no earlier launchable version was promoted to its channel', async () => {
    ledger({
      builds: [build('1.0.0/1')],
      outcomes: [promoted('1.0.0/1', 'dev', '2027-02-01T00:00:00Z', 1)],
      pointers: { dev: '1.0.0/1' },
    });

    const result = await revokeVersion(
      { image: 'base', version: '1.0.0/1', reason: 'bad', by: 'ops-lead', at: NOW },
      plans,
      'goldsmith-test',
    );

    expect(result.moves).toEqual([
      { channel: 'dev', action: 'withdraw', reason: 'no earlier launchable version was promoted to dev' },
    ]);
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      Key: { pk: 'IMAGE#base', sk: 'CHANNEL#dev' },
      ConditionExpression: 'version = :from',
    });
    expect(ssm).toHaveReceivedCommandWith(DeleteParameterCommand, { Name: '/goldsmith/base/dev' });
    expect(ssm).toHaveReceivedCommandTimes(DeleteParameterCommand, 2);
    // Taken out of the channel's RAM share before it is deleted, in each region.
    expect(ram).toHaveReceivedCommandWith(DisassociateResourceShareCommand, {
      resourceArns: ['arn:aws:ssm:eu-west-1:111122223333:parameter/goldsmith/base/dev'],
    });
    expect(ram).toHaveReceivedCommandTimes(DisassociateResourceShareCommand, 2);
  });

  it('does nothing when asked not to empty a channel, and finishes a revocation begun before all the same', async () => {
    const onlyOnDev = (revocations: Record<string, unknown>[] = []) =>
      ledger({
        builds: [build('1.0.0/1')],
        outcomes: [promoted('1.0.0/1', 'dev', '2027-02-01T00:00:00Z', 1)],
        pointers: { dev: '1.0.0/1' },
        revocations,
      });
    const revoke = () =>
      revokeVersion(
        { image: 'base', version: '1.0.0/1', reason: 'bad', by: 'ops-lead', at: NOW, refuseWithdrawal: true },
        plans,
        'goldsmith-test',
      );
    onlyOnDev();

    expect(await revoke()).toMatchObject({ wouldWithdraw: ['dev'], firstTime: false, moves: [] });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
    expect(ssm).not.toHaveReceivedCommand(DeleteParameterCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);

    // A finding's request, or a revocation restored since, is no consent.
    for (const state of ['requested', 'restored']) {
      onlyOnDev([{ sk: 'REVOCATION#1.0.0/1', version: '1.0.0/1', state, revokedAt: '2027-03-01T09:00:00.000Z' }]);
      expect(await revoke()).toMatchObject({ wouldWithdraw: ['dev'], revokedBefore: false });
    }
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);

    // A run that planned dev's roll-back marked it revoked and stopped; dev's earlier version is gone since: finishing
    // it would empty dev, which that run had not planned.
    const revokedBy = (withdrawn: string[]) => ({
      sk: 'REVOCATION#1.0.0/1',
      version: '1.0.0/1',
      state: 'revoked',
      revokedAt: '2027-03-01T09:00:00.000Z',
      withdrawn,
    });
    onlyOnDev([revokedBy([])]);
    expect(await revoke()).toMatchObject({ wouldWithdraw: ['dev'], revokedBefore: true });
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);

    // A run, consented to, that planned dev's withdrawal marked it revoked and stopped before it: its repeat finishes.
    onlyOnDev([revokedBy(['dev'])]);
    const repeat = await revoke();

    expect(repeat).not.toHaveProperty('wouldWithdraw');
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { pk: 'IMAGE#base', sk: 'CHANNEL#dev' } });
  });

  it("keeps a finding's requested revocation's reason beside the operator's when it carries the request out", async () => {
    await revokeOnDev('CVE-2027-0001 confirmed', {
      sk: 'REVOCATION#1.0.0/1',
      version: '1.0.0/1',
      reason: '1 critical finding over dev',
      state: 'requested',
    });

    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/1' },
      UpdateExpression: expect.stringContaining('requestedReason = if_not_exists(requestedReason, :requested)'),
      ExpressionAttributeValues: expect.objectContaining({
        ':reason': 'CVE-2027-0001 confirmed',
        ':requested': '1 critical finding over dev',
      }),
    });
    // Read strongly consistent: a request recorded a moment before the revoke is in the answer.
    for (const prefix of ['BUILD#', 'PROMOTION#', 'REVOCATION#']) {
      expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
        ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': prefix },
        ConsistentRead: true,
      });
    }
  });

  it('revoking a restored version again keeps the restored revocation, on condition its restore is still recorded', async () => {
    await revokeOnDev('CVE-2027-0009 confirmed', {
      sk: 'REVOCATION#1.0.0/1',
      version: '1.0.0/1',
      reason: 'CVE-2027-0001',
      by: 'ops-lead',
      channels: ['dev'],
      state: 'restored',
      at: '2027-02-01T12:00:00Z',
      revokedAt: '2027-02-01T12:00:00Z',
      restoredAt: '2027-02-02T12:00:00Z',
      restoredBy: 'security',
      restoreReason: 'the CVE does not apply',
    });

    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/1' },
      UpdateExpression: expect.stringMatching(
        /earlier = list_append\(if_not_exists\(earlier, :none\), :previous\) REMOVE restoredAt, restoredBy, restoreReason$/,
      ),
      ConditionExpression: '#state = :restored AND restoredAt = :restoredAt',
      ExpressionAttributeValues: expect.objectContaining({
        ':reason': 'CVE-2027-0009 confirmed',
        ':restoredAt': '2027-02-02T12:00:00Z',
        ':previous': [
          {
            revokedAt: '2027-02-01T12:00:00Z',
            by: 'ops-lead',
            reason: 'CVE-2027-0001',
            channels: ['dev'],
            restoredAt: '2027-02-02T12:00:00Z',
            restoredBy: 'security',
            restoreReason: 'the CVE does not apply',
          },
        ],
      }),
    });
  });

  it('a restore between its read and its write is revoked again, kept in earlier, not overwritten', async () => {
    // Read as revoked (a repeat of the operator's revoke); restored meanwhile: the mark is refused, read again, retried.
    const revoked = { sk: 'REVOCATION#1.0.0/1', version: '1.0.0/1', reason: 'CVE-2027-0001', by: 'ops-lead' };
    ddb.on(UpdateCommand, { ConditionExpression: 'attribute_not_exists(revokedAt)' }).rejects(conditionFailed());
    ddb.on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/1' } }).resolves({
      Item: {
        ...revoked,
        channels: ['dev'],
        state: 'restored',
        at: '2027-02-01T12:00:00Z',
        revokedAt: '2027-02-01T12:00:00Z',
        restoredAt: '2027-03-01T10:00:00Z',
        restoredBy: 'security',
        restoreReason: 'the CVE does not apply',
      },
    });
    await revokeOnDev('CVE-2027-0009 confirmed', { ...revoked, state: 'revoked', revokedAt: '2027-02-01T12:00:00Z' });

    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/1' },
      ConditionExpression: '#state = :restored AND restoredAt = :restoredAt',
      ExpressionAttributeValues: expect.objectContaining({
        ':reason': 'CVE-2027-0009 confirmed',
        ':restoredAt': '2027-03-01T10:00:00Z',
        ':previous': [expect.objectContaining({ reason: 'CVE-2027-0001', restoreReason: 'the CVE does not apply' })],
      }),
    });
    // Revoked again for the first time since the restore: announced.
    expect(sns).toHaveReceivedCommand(PublishCommand);
  });

  it('on a second delivery finishes nothing twice: no announcement, no "Image Revoked", no grant left to remove', async () => {
    ledger({
      builds: [build('1.0.0/1')],
      outcomes: [promoted('1.0.0/1', 'dev', '2027-02-01T00:00:00Z', 1)],
      revocations: [{ version: '1.0.0/1', state: 'revoked', revokedAt: NOW.toISOString() }],
      childBuilds: [{ sk: 'BUILD#1.0.0/4', parent: { image: 'base', channel: 'staging', buildVersion: '1.0.0/1' } }],
    });
    ddb.on(UpdateCommand, { Key: { pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/1' } }).rejects(conditionFailed());
    ec2.on(DescribeImageAttributeCommand).resolves({ LaunchPermissions: [] });

    const result = await revokeVersion(
      { image: 'base', version: '1.0.0/1', reason: 'bad', by: 'ops-lead', at: NOW },
      plans,
      'goldsmith-test',
    );

    expect(result).toMatchObject({ firstTime: false, grantCalls: 0, moves: [] });
    // The child's channel is empty already: its flag says it waits for a new base version there, not a rebuild.
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#hardened', sk: 'BUILD#1.0.0/4' },
      ExpressionAttributeValues: expect.objectContaining({ ':awaits': { image: 'base', channel: 'staging' } }),
    });
    expect(ec2).not.toHaveReceivedCommand(ModifyImageAttributeCommand);
    expect(bus).not.toHaveReceivedCommand(PutEventsCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('refuses a version the image never built, changing nothing', async () => {
    await expect(
      revokeVersion({ image: 'base', version: '9.9.9/9', reason: 'x', by: 'y', at: NOW }, plans, 'goldsmith-test'),
    ).rejects.toThrow('revoke: base has no build 9.9.9/9');
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });
});

describe('rollbackChannel', () => {
  it('refuses when the pointer moved on since the operator decided', async () => {
    ledger({ builds: [build('1.0.0/1'), build('1.0.0/3')], pointers: { prod: '1.0.0/3' } });

    const result = await rollbackChannel(
      { image: 'base', channel: 'prod', from: '1.0.0/2', reason: 'x', by: 'ops-lead', at: NOW },
      plans,
    );

    expect(result).toEqual({
      outcome: 'refused',
      image: 'base',
      channel: 'prod',
      reason: 'prod names 1.0.0/3, not 1.0.0/2',
    });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('moves the pointer to the requested earlier version and announces it', async () => {
    ledger({
      builds: [build('1.0.0/1'), build('1.0.0/2')],
      outcomes: [
        promoted('1.0.0/1', 'prod', '2027-02-01T00:00:00Z', 1),
        promoted('1.0.0/2', 'prod', '2027-02-20T00:00:00Z', 2),
      ],
      pointers: { prod: '1.0.0/2' },
    });

    const result = await rollbackChannel(
      { image: 'base', channel: 'prod', from: '1.0.0/2', to: '1.0.0/1', reason: 'regression', by: 'ops-lead', at: NOW },
      plans,
    );

    expect(result).toEqual({
      outcome: 'rolled-back',
      image: 'base',
      channel: 'prod',
      from: '1.0.0/2',
      to: '1.0.0/1',
      grantCalls: 0,
    });
    expect(ssm).toHaveReceivedCommandTimes(PutParameterCommand, 2);
    for (const ami of amisOf(1)) {
      expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, {
        Name: '/goldsmith/base/prod',
        Value: ami.imageId,
        DataType: 'aws:ec2:image',
        Tier: 'Advanced',
      });
    }
    // The same path as Publish: the parameter stays in the channel's RAM share (already associated: no call).
    expect(ram).toHaveReceivedCommandWith(GetResourceSharesCommand, { name: 'goldsmith-pointers-prod' });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: 'base/prod: rolled back to 1.0.0/1' });
  });

  it('records and announces no rollback while Parameter Store has not taken the moved-back pointer', async () => {
    ledger({
      builds: [build('1.0.0/1'), build('1.0.0/2')],
      outcomes: [
        promoted('1.0.0/1', 'prod', '2027-02-01T00:00:00Z', 1),
        promoted('1.0.0/2', 'prod', '2027-02-20T00:00:00Z', 2),
      ],
      pointers: { prod: '1.0.0/2' },
    });
    parameterStore(ssm, { Version: 2 }, (region) => region !== amisOf(1)[0]!.region);
    configureClients({ sleep: async () => undefined });
    onTestFinished(() => configureClients({}));

    const rollback = rollbackChannel(
      { image: 'base', channel: 'prod', from: '1.0.0/2', to: '1.0.0/1', reason: 'regression', by: 'ops-lead', at: NOW },
      plans,
    );

    await expect(rollback).rejects.toMatchObject({ name: 'Goldsmith.PointerNotTaken' });
    expect(ddb).not.toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ sk: expect.stringMatching(/^ROLLBACK#/) }),
    });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });
});

describe('onLifecycleRequest', () => {
  it('refuses a malformed "Image Revoked" naming the field, before doing anything', async () => {
    const event = {
      version: '0',
      id: 'x',
      'detail-type': 'Image Revoked',
      source: 'goldsmith',
      account: '111122223333',
      time: '2027-03-01T00:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: { image: 'base', version: 'three', channels: [], reason: 'x', revokedAt: '2027-03-01T00:00:00Z' },
    };
    await expect(onLifecycleRequest(event)).rejects.toBeInstanceOf(MalformedEventError);
    await expect(onLifecycleRequest(event)).rejects.toThrow(/detail\.version/);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});

describe('publish of a revoked build', () => {
  it('stops at Publish with the Revoked error, before moving any pointer', async () => {
    ddb
      .on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/3' } })
      .resolves({ Item: { state: 'revoked', reason: 'CVE-2027-0001' } });

    // The first channel: a version stops as revoked where it is (a later channel it never reached is skipped by Gate).
    await expect(publish(channelItem('dev'))).rejects.toMatchObject({
      name: 'Revoked',
      message: 'base 1.0.0/3 was revoked: CVE-2027-0001',
    });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });
});
