import {
  CancelInstanceRefreshCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  RollbackInstanceRefreshCommand,
  StartInstanceRefreshCommand,
  type StartInstanceRefreshCommandInput,
} from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateVersionCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { resetClients } from './helpers.js';
import { memberClients, memberGroup, REGION, rolloutCloud, TAG } from './rollout-member.js';

const MIN = 60_000;

afterEach(resetClients);

/** A cloud with one tagged group on AMI v1 and template version 2 naming AMI v2, and the member clients. */
async function setup(opts: { instances?: number; imageRef?: string; groupVersion?: string } = {}) {
  const cloud = rolloutCloud();
  const v1 = cloud.share('base-1');
  const v2 = cloud.share('base-2');
  const { template, group } = memberGroup(cloud, 'web', v1, {
    instances: opts.instances ?? 4,
    ...(opts.imageRef ? { imageRef: opts.imageRef } : {}),
    ...(opts.groupVersion ? { version: opts.groupVersion } : {}),
  });
  const clients = await memberClients(cloud);
  const made = await clients.ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: template.id,
      SourceVersion: '1',
      LaunchTemplateData: { ImageId: v2 },
      ClientToken: 'base/prod/1.0.0/2/web',
    }),
  );
  const version = String(made.LaunchTemplateVersion?.VersionNumber);
  const start = (preferences: StartInstanceRefreshCommandInput['Preferences'], desired = true) =>
    clients.autoscaling.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: 'web',
        ...(desired
          ? { DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: template.id, Version: version } } }
          : {}),
        Preferences: preferences,
      }),
    );
  const refresh = async () =>
    (await clients.autoscaling.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'web' })))
      .InstanceRefreshes?.[0];
  /** Moves virtual time on by `ms` and lets the fake catch up. */
  const wait = async (ms: number) => {
    await cloud.clock.run(cloud.clock.now() + ms);
    cloud.fakes.autoscaling.advance();
  };
  const images = () => group.instances.map((i) => i.imageId);
  return { cloud, clients, template, group, version, v1, v2, start, refresh, wait, images };
}

describe('instance refresh in the local cloud', () => {
  it('replaces instances batch by batch, waits at a checkpoint, bakes, then is Successful and the group takes the new version', async () => {
    const s = await setup({ instances: 4 });
    await s.start({
      AutoRollback: true,
      MinHealthyPercentage: 50,
      MaxHealthyPercentage: 100,
      InstanceWarmup: 60,
      CheckpointPercentages: [50, 100],
      CheckpointDelay: 600,
      BakeTime: 1800,
      SkipMatching: false,
    });
    expect((await s.refresh())?.Status).toBe('Pending');
    await s.wait(4 * MIN);
    // The first batch (two instances: 50 % may be out of service) is in and warmed: the checkpoint holds the rest.
    const atCheckpoint = await s.refresh();
    expect(atCheckpoint?.Status).toBe('InProgress');
    expect(atCheckpoint?.PercentageComplete).toBe(50);
    expect(s.images().filter((i) => i === s.v2)).toHaveLength(2);
    await s.wait(12 * MIN);
    expect((await s.refresh())?.Status).toBe('Baking');
    expect(s.images().every((i) => i === s.v2)).toBe(true);
    expect(s.group.launchTemplate.version).toBe('1');
    await s.wait(30 * MIN);
    const done = await s.refresh();
    expect(done?.Status).toBe('Successful');
    expect(done?.PercentageComplete).toBe(100);
    expect(s.group.launchTemplate.version).toBe(s.version);
  });

  it('an alarm in ALARM during the bake fails the refresh and rolls back to the group’s own version', async () => {
    const s = await setup({ instances: 2 });
    await s.start({
      AutoRollback: true,
      InstanceWarmup: 0,
      BakeTime: 3600,
      AlarmSpecification: { Alarms: ['app-5xx'] },
    });
    await s.wait(10 * MIN);
    expect((await s.refresh())?.Status).toBe('Baking');
    s.cloud.fakes.alarms.set(s.group.account, REGION, 'app-5xx', 'ALARM');
    const rolling = await s.refresh();
    expect(rolling?.Status).toBe('RollbackInProgress');
    expect(rolling?.RollbackDetails?.RollbackReason).toMatch(/app-5xx is in ALARM/);
    await s.wait(10 * MIN);
    const back = await s.refresh();
    expect(back?.Status).toBe('RollbackSuccessful');
    expect(s.images().every((i) => i === s.v1)).toBe(true);
    expect(s.group.launchTemplate.version).toBe('1');
  });

  it('replacements that cannot launch (the AMI no longer shared) keep it InProgress, then Failed after an hour', async () => {
    const s = await setup({ instances: 2 });
    s.cloud.fakes.ec2.images.get(s.v2)?.launchPermissions.clear();
    await s.start({ InstanceWarmup: 0 });
    await s.wait(50 * MIN);
    const waiting = await s.refresh();
    expect(waiting?.Status).toBe('InProgress');
    expect(waiting?.StatusReason).toMatch(/not shared with account/);
    await s.wait(15 * MIN);
    const failed = await s.refresh();
    expect(failed?.Status).toBe('Failed');
    expect(failed?.StatusReason).toMatch(/could not launch for an hour/);
    expect(s.images().every((i) => i === s.v1)).toBe(true);
  });

  it('Cancel stops further replacements (Cancelled) and leaves what was replaced; a second cancel finds nothing active', async () => {
    const s = await setup({ instances: 4 });
    await s.start({ MinHealthyPercentage: 75, InstanceWarmup: 300 });
    await s.wait(2 * MIN);
    await s.clients.autoscaling.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: 'web' }));
    expect((await s.refresh())?.Status).toBe('Cancelling');
    await s.wait(10 * MIN);
    expect((await s.refresh())?.Status).toBe('Cancelled');
    expect(s.images().filter((i) => i === s.v2)).toHaveLength(1);
    await expect(
      s.clients.autoscaling.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: 'web' })),
    ).rejects.toMatchObject({ name: 'ActiveInstanceRefreshNotFoundFault' });
  });

  it('a launching lifecycle hook holds each batch until the team’s bootstrap completes it: 10 minutes more a batch', async () => {
    const plain = await setup();
    const hooked = await setup();
    hooked.group.launchHookSeconds = 600;
    // 4 instances at 50 % minimum healthy: two batches of two, each 90 s to launch, no warm-up.
    for (const s of [plain, hooked]) await s.start({ MinHealthyPercentage: 50, InstanceWarmup: 0 });
    await plain.wait(5 * MIN);
    await hooked.wait(5 * MIN);
    expect((await plain.refresh())?.Status).toBe('Successful');
    expect((await hooked.refresh())?.Status).toBe('InProgress');
    await hooked.wait(20 * MIN);
    const done = await hooked.refresh();
    expect(done?.Status).toBe('Successful');
    const took = (done?.EndTime?.getTime() ?? 0) - (done?.StartTime?.getTime() ?? 0);
    const plainTook = await plain.refresh().then((r) => (r?.EndTime?.getTime() ?? 0) - (r?.StartTime?.getTime() ?? 0));
    expect(took - plainTook).toBe(2 * 600_000);
  });

  it('one refresh per group at a time: a second Start is InstanceRefreshInProgressFault', async () => {
    const s = await setup();
    await s.start({ AutoRollback: true });
    await expect(s.start({ AutoRollback: true })).rejects.toMatchObject({ name: 'InstanceRefreshInProgressFault' });
  });

  it('refuses AutoRollback without a desired configuration, with the observed ValidationError', async () => {
    const s = await setup();
    await expect(s.start({ AutoRollback: true }, false)).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/AutoRollback parameter cannot be set to true when the DesiredConfiguration/),
    });
  });

  it('refuses a desired configuration for a group whose template names its AMI by resolve:ssm:', async () => {
    const s = await setup({ imageRef: 'resolve:ssm:/goldsmith/base/prod' });
    await expect(s.start({ AutoRollback: true })).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/Systems Manager parameter/),
    });
    await expect(s.start({ SkipMatching: true }, false)).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('refuses AutoRollback for a group on $Latest, and RollbackInstanceRefresh of a refresh without a desired configuration is IrreversibleInstanceRefreshFault', async () => {
    const s = await setup({ groupVersion: '$Latest' });
    await expect(s.start({ AutoRollback: true })).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/\$Latest/),
    });
    await s.start({ InstanceWarmup: 0 }, false);
    await expect(
      s.clients.autoscaling.send(new RollbackInstanceRefreshCommand({ AutoScalingGroupName: 'web' })),
    ).rejects.toMatchObject({ name: 'IrreversibleInstanceRefreshFault' });
  });

  it('RollbackInstanceRefresh of a running refresh replaces what it launched (RollbackSuccessful)', async () => {
    const s = await setup({ instances: 4 });
    await s.start({ MinHealthyPercentage: 50, InstanceWarmup: 0 });
    await s.wait(2 * MIN);
    await s.clients.autoscaling.send(new RollbackInstanceRefreshCommand({ AutoScalingGroupName: 'web' }));
    expect((await s.refresh())?.Status).toBe('RollbackInProgress');
    await s.wait(10 * MIN);
    expect((await s.refresh())?.Status).toBe('RollbackSuccessful');
    expect(s.images().every((i) => i === s.v1)).toBe(true);
  });

  it('lists groups by the opt-in tag filter, 50 a page by default', async () => {
    const s = await setup();
    for (let i = 0; i < 60; i++) memberGroup(s.cloud, `g${String(i).padStart(2, '0')}`, s.v1, { instances: 1 });
    memberGroup(s.cloud, 'untagged', s.v1, { tagged: false, instances: 1 });
    const filter = { Filters: [{ Name: `tag:${TAG}`, Values: ['base/prod'] }] };
    const first = await s.clients.autoscaling.send(new DescribeAutoScalingGroupsCommand(filter));
    expect(first.AutoScalingGroups).toHaveLength(50);
    const second = await s.clients.autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ ...filter, NextToken: first.NextToken }),
    );
    expect(second.AutoScalingGroups).toHaveLength(11);
    expect(second.NextToken).toBeUndefined();
    expect(
      [...(first.AutoScalingGroups ?? []), ...(second.AutoScalingGroups ?? [])].map((g) => g.AutoScalingGroupName),
    ).not.toContain('untagged');
  });

  it('fails a refresh still replacing after 14 days, and leaves one sent an empty checkpoint list Pending', async () => {
    const s = await setup({ instances: 10 });
    const checkpoints = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    await s.start({ InstanceWarmup: 0, CheckpointPercentages: checkpoints, CheckpointDelay: 172_800 });
    await s.wait(15 * 24 * 60 * MIN);
    const old = await s.refresh();
    expect(old?.Status).toBe('Failed');
    expect(old?.StatusReason).toMatch(/14 days/);
    await s.start({ InstanceWarmup: 0, CheckpointPercentages: [] });
    await s.wait(24 * 60 * MIN);
    expect((await s.refresh())?.Status).toBe('Pending');
  });

  it('DescribeInstanceRefreshes of a missing group is a ValidationError', async () => {
    const s = await setup();
    await expect(
      s.clients.autoscaling.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'nope' })),
    ).rejects.toMatchObject({ name: 'ValidationError' });
  });
});
