import {
  DeregisterImageCommand,
  EnableImageDeprecationCommand,
  ModifyImageAttributeCommand,
} from '@aws-sdk/client-ec2';
import { DeleteImageCommand } from '@aws-sdk/client-imagebuilder';
import { PublishCommand } from '@aws-sdk/client-sns';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { applyRetention, retireOutOfRetention } from '../../functions/lifecycle/retention.js';
import { amisOf, arnOf, build, DEV_GRANT, ledger, NOW, promoted, useLifecycleWorld } from './lifecycle-fixtures.js';
import { basePlan } from './promotion-fixtures.js';

const { ddb, ec2, imagebuilder, sns } = useLifecycleWorld();

describe('retireOutOfRetention', () => {
  it('deprecates from the next minute and marks retired the versions beyond keep, sparing the pointer', async () => {
    ledger({
      builds: ['1.0.0/1', '1.0.0/2', '1.0.0/3', '1.0.0/4', '1.0.0/5'].map((v) => build(v)),
      outcomes: [1, 2, 3, 4, 5].map((n) => promoted(`1.0.0/${n}`, 'dev', `2027-01-0${n}T00:00:00Z`, n)),
      pointers: { prod: '1.0.0/1' },
    });

    const result = await retireOutOfRetention({ plan: { ...basePlan, retentionKeep: 3 }, now: NOW });

    expect(result).toMatchObject({ retired: ['1.0.0/2'], amisDeprecated: 2, deleted: [] });
    for (const ami of amisOf(2)) {
      expect(ec2).toHaveReceivedCommandWith(EnableImageDeprecationCommand, {
        ImageId: ami.imageId,
        DeprecateAt: new Date('2027-03-01T10:01:00Z'),
      });
    }
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/2' },
      ConditionExpression: 'attribute_not_exists(retiredAt)',
      ExpressionAttributeValues: { ':at': NOW.toISOString() },
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: expect.objectContaining({ event: { DataType: 'String', StringValue: 'retired' } }),
    });
    expect(ec2).not.toHaveReceivedCommand(DeregisterImageCommand);
  });

  it('removes every launch permission of a retired version in each region, through the sharing grant code', async () => {
    ledger({
      builds: ['1.0.0/1', '1.0.0/2'].map((v) => build(v)),
      outcomes: [1, 2].map((n) => promoted(`1.0.0/${n}`, 'dev', `2027-01-0${n}T00:00:00Z`, n)),
      pointers: { dev: '1.0.0/2' },
    });

    await retireOutOfRetention({ plan: { ...basePlan, retentionKeep: 1 }, now: NOW });

    expect(ec2).toHaveReceivedCommandTimes(ModifyImageAttributeCommand, 2);
    for (const ami of amisOf(1)) {
      expect(ec2).toHaveReceivedCommandWith(ModifyImageAttributeCommand, {
        ImageId: ami.imageId,
        LaunchPermission: { Remove: [DEV_GRANT] },
      });
    }
  });
});

describe('applyRetention', () => {
  const retired = (v: string, n: number, at: string) => ({
    builds: [build(v, { retiredAt: at }), build('1.0.0/9')],
    outcomes: [promoted(v, 'dev', '2027-01-01T00:00:00Z', n), promoted('1.0.0/9', 'dev', '2027-02-01T00:00:00Z', 9)],
    pointers: { dev: '1.0.0/9' },
  });

  it('deregisters a version retired deleteAfter ago with its snapshots in every region, then deletes its image', async () => {
    ledger(retired('1.0.0/1', 1, '2027-01-20T00:00:00Z'));

    const result = await applyRetention({ plan: { ...basePlan, retentionKeep: 1 }, children: ['hardened'], now: NOW });

    expect(result).toMatchObject({ deleted: ['1.0.0/1'], amisDeregistered: 2 });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/1' },
      UpdateExpression: 'SET deletingAmis = if_not_exists(deletingAmis, :amis)',
      ExpressionAttributeValues: { ':amis': amisOf(1) },
    });
    for (const ami of amisOf(1)) {
      expect(ec2).toHaveReceivedCommandWith(DeregisterImageCommand, {
        ImageId: ami.imageId,
        DeleteAssociatedSnapshots: true,
      });
    }
    expect(imagebuilder).toHaveReceivedCommandWith(DeleteImageCommand, { imageBuildVersionArn: arnOf('1.0.0/1') });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/1' },
      ConditionExpression: 'attribute_exists(sk) AND attribute_not_exists(deletedAt)',
    });
  });

  it('keeps a retired version while a live child build was built on it', async () => {
    ledger({
      ...retired('1.0.0/1', 1, '2027-01-20T00:00:00Z'),
      childBuilds: [{ sk: 'BUILD#1.0.0/4', parent: { image: 'base', channel: 'staging', buildVersion: '1.0.0/1' } }],
    });

    const result = await applyRetention({ plan: { ...basePlan, retentionKeep: 1 }, children: ['hardened'], now: NOW });

    expect(result.deleted).toEqual([]);
    expect(ec2).not.toHaveReceivedCommand(DeregisterImageCommand);
  });

  it('waits out deleteAfter: a version retired 29 days ago stays', async () => {
    ledger(retired('1.0.0/1', 1, '2027-01-31T10:00:31Z'));

    const result = await applyRetention({ plan: { ...basePlan, retentionKeep: 1 }, children: [], now: NOW });

    expect(result.deleted).toEqual([]);
  });
});
