import {
  DeregisterImageCommand,
  DescribeImageAttributeCommand,
  EnableImageDeprecationCommand,
  ModifyImageAttributeCommand,
} from '@aws-sdk/client-ec2';
import { DeleteImageCommand } from '@aws-sdk/client-imagebuilder';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { applyRetention, retireOutOfRetention } from '../../functions/lifecycle/retention.js';
import {
  amisOf,
  arnOf,
  build,
  DEV_GRANT,
  ledger,
  mocks,
  NOW,
  promoted,
  sbomObjects,
  useLifecycleWorld,
} from './lifecycle-fixtures.js';
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

  it("deletes a deleted version's SBOM objects with it, each read back as gone, and no other version's", async () => {
    ledger(retired('1.0.0/1', 1, '2027-01-20T00:00:00Z'));
    for (const v of ['1.0.0-1', '1.0.0-9'])
      for (const f of ['cyclonedx.json', 'spdx.json']) sbomObjects.add(`sbom/base/${v}/${f}`);

    const result = await applyRetention({ plan: { ...basePlan, retentionKeep: 1 }, children: ['hardened'], now: NOW });

    expect(result.deleted).toEqual(['1.0.0/1']);
    for (const f of ['cyclonedx.json', 'spdx.json']) {
      expect(mocks.s3).toHaveReceivedCommandWith(DeleteObjectCommand, {
        Bucket: 'goldsmith-test-sbom-111122223333-us-east-1',
        Key: `sbom/base/1.0.0-1/${f}`,
      });
    }
    expect([...sbomObjects].sort()).toEqual(['sbom/base/1.0.0-9/cyclonedx.json', 'sbom/base/1.0.0-9/spdx.json']);
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

  it("takes a child's lineage hold from the sweep's earlier pass over it, without reading its builds again", async () => {
    const live = { sk: 'BUILD#1.0.0/4', parent: { image: 'base', channel: 'staging', buildVersion: '1.0.0/1' } };
    ledger(retired('1.0.0/1', 1, '2027-01-20T00:00:00Z'));
    const swept = new Map([['hardened', [live]]]);

    const result = await applyRetention({
      plan: { ...basePlan, retentionKeep: 1 },
      children: ['hardened'],
      now: NOW,
      swept,
    });

    expect(result.deleted).toEqual([]);
    expect(ddb).not.toHaveReceivedCommandWith(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#hardened' } });
  });

  it("deletes a version whose only child build the child's pass deleted, though that build reads as live", async () => {
    const child = { sk: 'BUILD#1.0.0/4', parent: { image: 'base', channel: 'staging', buildVersion: '1.0.0/1' } };
    ledger({ ...retired('1.0.0/1', 1, '2027-01-20T00:00:00Z'), childBuilds: [child] });
    const swept = new Map([['hardened', [{ ...child, deletedAt: NOW.toISOString() }]]]);

    const result = await applyRetention({
      plan: { ...basePlan, retentionKeep: 1 },
      children: ['hardened'],
      now: NOW,
      swept,
    });

    expect(result.deleted).toEqual(['1.0.0/1']);
  });

  it('waits out deleteAfter: a version retired 29 days ago stays', async () => {
    ledger(retired('1.0.0/1', 1, '2027-01-31T10:00:31Z'));

    const result = await applyRetention({ plan: { ...basePlan, retentionKeep: 1 }, children: [], now: NOW });

    expect(result.deleted).toEqual([]);
  });
});

describe('applyRetention failed after its effect, before its record, and run again (the sweep retried)', () => {
  /** EC2 and Image Builder as they stand: what is deregistered or deleted is gone, and says so. */
  const gone = new Set<string>();
  const granted = new Set<string>();
  const effects: string[] = [];
  const notFound = (name: string) => Object.assign(new Error(`${name}: not found`), { name });
  let loseAnswer = false;
  /** The version's AMI in each region (one id per region, so each is told apart). */
  const amis = amisOf(1).map((a, i) => ({ ...a, imageId: `ami-0${String(i + 1).repeat(16)}` }));

  it('deregisters and deletes a version once: the retry finds its own work done and marks it deleted', async () => {
    gone.clear();
    granted.clear();
    effects.length = 0;
    for (const a of amis) granted.add(a.imageId);
    ec2.on(DeregisterImageCommand).callsFake((i: { ImageId: string }) => {
      if (gone.has(i.ImageId)) throw notFound('InvalidAMIID.NotFound');
      gone.add(i.ImageId);
      effects.push(`DeregisterImage ${i.ImageId}`);
      if (loseAnswer) {
        loseAnswer = false;
        throw Object.assign(new Error('the function timed out before the answer'), { name: 'FunctionTimedOut' });
      }
      return { Return: true };
    });
    ec2.on(DescribeImageAttributeCommand).callsFake((i: { ImageId: string }) => {
      if (gone.has(i.ImageId)) throw notFound('InvalidAMIID.NotFound');
      return { LaunchPermissions: granted.has(i.ImageId) ? [DEV_GRANT] : [] };
    });
    ec2.on(ModifyImageAttributeCommand).callsFake((i: { ImageId: string }) => {
      if (gone.has(i.ImageId)) throw notFound('InvalidAMIID.NotFound');
      granted.delete(i.ImageId);
      effects.push(`ModifyImageAttribute ${i.ImageId}`);
      return {};
    });
    imagebuilder.on(DeleteImageCommand).callsFake((i: { imageBuildVersionArn: string }) => {
      if (gone.has(i.imageBuildVersionArn)) throw notFound('ResourceNotFoundException');
      gone.add(i.imageBuildVersionArn);
      effects.push('DeleteImage');
      return {};
    });
    // The ledger as Query answers it stays as it was: the first attempt recorded nothing after its intent.
    ledger({
      builds: [build('1.0.0/1', { retiredAt: '2027-01-20T00:00:00Z' }), build('1.0.0/9')],
      outcomes: [
        { ...promoted('1.0.0/1', 'dev', '2027-01-01T00:00:00Z', 1), amis },
        promoted('1.0.0/9', 'dev', '2027-02-01T00:00:00Z', 9),
      ],
      pointers: { dev: '1.0.0/9' },
    });
    const input = { plan: { ...basePlan, retentionKeep: 1 }, children: [], now: NOW };
    // The first AMI is deregistered, and the function times out before the answer.
    loseAnswer = true;
    await expect(applyRetention(input)).rejects.toThrow(/timed out/);

    const retry = await applyRetention(input);

    expect(retry.deleted).toEqual(['1.0.0/1']);
    const [first, second] = amis.map((a) => a.imageId);
    expect(effects).toEqual([
      `ModifyImageAttribute ${first}`,
      `ModifyImageAttribute ${second}`,
      `DeregisterImage ${first}`,
      `DeregisterImage ${second}`,
      'DeleteImage',
    ]);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });
});
