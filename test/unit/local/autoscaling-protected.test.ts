import {
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  type RefreshPreferences,
  StartInstanceRefreshCommand,
} from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateVersionCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import type { RefreshMove } from '../../../local/fakes/autoscaling-refresh-types.js';
import { teamPrincipal } from '../../../local/simulator/fleet-shapes.js';
import type { FleetEvent } from '../../../local/simulator/fleets.js';
import { shareSeries } from '../../../local/simulator/report-fleet.js';
import { resetClients } from './helpers.js';
import { FOLLOWS, MEMBER, memberClients, REGION, rolloutCloud, TAG } from './rollout-member.js';

const MIN = 60_000;

afterEach(resetClients);

/**
 * A tagged group of four on AMI v1: `protectedInstances` of them protected from scale in, `standby` of them in
 * Standby, or (ecs) every instance protected as an ECS capacity provider's group is; and template version 2 on v2.
 */
async function setup(opts: { protectedInstances?: number; standby?: number; ecs?: boolean }) {
  const cloud = rolloutCloud();
  const v1 = cloud.share('base-1');
  const v2 = cloud.share('base-2');
  const tags = { [TAG]: FOLLOWS };
  const template = cloud.fakes.ec2.templates?.create(MEMBER, REGION, 'web-lt', { ImageId: v1 }, tags);
  if (!template) throw new Error('no launch templates');
  const group = cloud.fakes.autoscaling.createGroup({
    account: MEMBER,
    region: REGION,
    name: 'web',
    launchTemplateId: template.id,
    version: '1',
    desiredCapacity: 4,
    tags,
    ...(opts.protectedInstances !== undefined && { protectedInstances: opts.protectedInstances }),
    ...(opts.standby !== undefined && { standbyInstances: opts.standby }),
    ...(opts.ecs && { newInstancesProtectedFromScaleIn: true }),
  });
  const clients = await memberClients(cloud);
  await clients.ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: template.id,
      SourceVersion: '1',
      LaunchTemplateData: { ImageId: v2 },
    }),
  );
  const start = (prefs: RefreshPreferences) =>
    clients.autoscaling.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: 'web',
        DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: template.id, Version: '2' } },
        Preferences: { AutoRollback: true, InstanceWarmup: 0, MinHealthyPercentage: 50, ...prefs },
      }),
    );
  const refresh = async () =>
    (await clients.autoscaling.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'web' })))
      .InstanceRefreshes?.[0];
  const wait = async (ms: number) => {
    await cloud.clock.run(cloud.clock.now() + ms);
    cloud.fakes.autoscaling.advance();
  };
  const described = async () =>
    (await clients.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] })))
      .AutoScalingGroups?.[0];
  const images = () => group.instances.map((i) => i.imageId);
  // The member team's own call (SetInstanceProtection, EnterStandby, ExitStandby), as the scenario's events make it.
  const team = (action: string, input: Record<string, unknown>) =>
    cloud.fakes.autoscaling.handle({
      service: 'autoscaling',
      action,
      input: { AutoScalingGroupName: 'web', ...input },
      body: undefined,
      region: REGION,
      accountId: MEMBER,
      principal: teamPrincipal(MEMBER),
    });
  return { start, refresh, wait, described, images, group, v1, v2, team, cloud };
}

describe('instance refresh of protected and Standby instances in the local cloud', () => {
  it('by default (Wait) waits an hour for protection to be removed, then fails and rolls the group back', async () => {
    const s = await setup({ protectedInstances: 1 });
    await s.start({});
    await s.wait(10 * MIN);
    const waiting = await s.refresh();
    expect(waiting?.Status).toBe('InProgress');
    expect(waiting?.StatusReason).toMatch(/protected from scale in/);
    expect(s.images().filter((i) => i === s.v2)).toHaveLength(3);
    await s.wait(60 * MIN);
    expect((await s.refresh())?.Status).toMatch(/^Rollback/);
    await s.wait(20 * MIN);
    expect((await s.refresh())?.Status).toBe('RollbackSuccessful');
    expect(s.images().every((i) => i === s.v1)).toBe(true);
  });

  it('Wait goes on once the team removes the protection within the hour', async () => {
    const s = await setup({ protectedInstances: 1 });
    await s.start({ ScaleInProtectedInstances: 'Wait' });
    await s.wait(20 * MIN);
    const held = s.group.instances.filter((i) => i.protectedFromScaleIn).map((i) => i.instanceId);
    await s.team('SetInstanceProtection', { InstanceIds: held, ProtectedFromScaleIn: false });
    await s.wait(20 * MIN);
    expect((await s.refresh())?.Status).toBe('Successful');
    expect(s.images().every((i) => i === s.v2)).toBe(true);
  });

  it('Ignore replaces the others and succeeds; the protected instance stays on the old version', async () => {
    const s = await setup({ protectedInstances: 1 });
    await s.start({ ScaleInProtectedInstances: 'Ignore' });
    await s.wait(20 * MIN);
    expect((await s.refresh())?.Status).toBe('Successful');
    const g = await s.described();
    expect(g?.LaunchTemplate?.Version).toBe('2');
    const left = (g?.Instances ?? []).filter((i) => i.LaunchTemplate?.Version !== '2');
    expect(left).toMatchObject([{ ProtectedFromScaleIn: true, LifecycleState: 'InService' }]);
  });

  it('Refresh replaces protected instances too; an ECS group protects each replacement again', async () => {
    const s = await setup({ ecs: true });
    await s.start({ ScaleInProtectedInstances: 'Refresh' });
    await s.wait(20 * MIN);
    expect((await s.refresh())?.Status).toBe('Successful');
    const g = await s.described();
    expect(g?.NewInstancesProtectedFromScaleIn).toBe(true);
    expect((g?.Instances ?? []).map((i) => [i.LaunchTemplate?.Version, i.ProtectedFromScaleIn])).toEqual([
      ['2', true],
      ['2', true],
      ['2', true],
      ['2', true],
    ]);
  });

  it('Standby: Wait fails after an hour, Ignore leaves it on the old version, Terminate ends it without a replacement', async () => {
    const waiting = await setup({ standby: 1 });
    await waiting.start({ AutoRollback: false });
    await waiting.wait(70 * MIN);
    expect(await waiting.refresh()).toMatchObject({ Status: 'Failed', StatusReason: expect.stringMatching(/Standby/) });

    const ignored = await setup({ standby: 1 });
    await ignored.start({ StandbyInstances: 'Ignore' });
    await ignored.wait(20 * MIN);
    expect((await ignored.refresh())?.Status).toBe('Successful');
    const left = ((await ignored.described())?.Instances ?? []).filter((i) => i.LaunchTemplate?.Version !== '2');
    expect(left).toMatchObject([{ LifecycleState: 'Standby' }]);

    const ended = await setup({ standby: 1 });
    await ended.start({ StandbyInstances: 'Terminate' });
    await ended.wait(20 * MIN);
    expect((await ended.refresh())?.Status).toBe('Successful');
    expect(ended.images()).toEqual([ended.v2, ended.v2, ended.v2]);
  });

  it("Terminate's ended Standby instance is told as ended, and the report's fleet shares do not count it on the new version", async () => {
    const s = await setup({ standby: 1 });
    const moves: RefreshMove[] = [];
    s.cloud.fakes.autoscaling.onMove = (m) => moves.push(m);
    const startedAt = new Date(s.cloud.clock.now()).toISOString();
    await s.start({ StandbyInstances: 'Terminate' });
    await s.wait(20 * MIN);
    expect((await s.refresh())?.Status).toBe('Successful');
    expect(moves.filter((m) => m.ended).map((m) => [m.from, m.instances])).toEqual([[s.v1, 1]]);

    const fleet = {
      image: 'base',
      channel: 'prod',
      account: MEMBER,
      ou: 'ou-1',
      region: REGION,
      team: 'prompt' as const,
    };
    const events: FleetEvent[] = [
      { ...fleet, at: startedAt, from: undefined, to: s.v1, instances: 4 },
      ...moves.map((m) => ({
        ...fleet,
        at: new Date(m.at).toISOString(),
        from: m.from,
        to: m.to,
        instances: m.instances,
        ...(m.ended && { ended: m.ended }),
      })),
    ];
    const until = new Date(s.cloud.clock.now() + 2 * 86_400_000).toISOString();
    const [series] = shareSeries(events, (ami) => (ami === s.v1 ? '1.0.0/1' : '1.0.0/2'), { start: startedAt, until });
    expect(series?.days.at(-1)?.instances).toEqual({ '1.0.0/2': 3 });
  });

  it("refuses a value outside each preference's set, naming the field, as AWS does", async () => {
    const s = await setup({});
    await expect(
      s.start({ StandbyInstances: 'Refresh' as RefreshPreferences['StandbyInstances'] }),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/preferences\.standbyInstances.*\[Terminate, Ignore, Wait\]/),
    });
  });
});

describe("a team's SetInstanceProtection, EnterStandby and ExitStandby in the local cloud", () => {
  const ids = (s: Awaited<ReturnType<typeof setup>>) => s.group.instances.map((i) => i.instanceId);

  it('Wait goes on once the team takes the instance out of Standby (the desired capacity back up by one)', async () => {
    const s = await setup({ standby: 1 });
    expect((await s.described())?.DesiredCapacity).toBe(3);
    await s.start({ StandbyInstances: 'Wait' });
    await s.wait(20 * MIN);
    expect((await s.refresh())?.StatusReason).toMatch(/in Standby/);
    await s.team('ExitStandby', { InstanceIds: ids(s).slice(3) });
    await s.wait(20 * MIN);
    expect((await s.refresh())?.Status).toBe('Successful');
    expect(s.images()).toEqual([s.v2, s.v2, s.v2, s.v2]);
    expect((await s.described())?.DesiredCapacity).toBe(4);
  });

  it('EnterStandby without decrementing launches a replacement; with it, the desired capacity drops', async () => {
    const s = await setup({});
    await s.team('EnterStandby', { InstanceIds: ids(s).slice(0, 1), ShouldDecrementDesiredCapacity: false });
    let g = await s.described();
    expect(g?.DesiredCapacity).toBe(4);
    expect((g?.Instances ?? []).map((i) => i.LifecycleState)).toEqual([
      'Standby',
      'InService',
      'InService',
      'InService',
      'InService',
    ]);
    await s.team('EnterStandby', { InstanceIds: ids(s).slice(1, 3), ShouldDecrementDesiredCapacity: true });
    g = await s.described();
    expect(g?.DesiredCapacity).toBe(2);
    expect((g?.Instances ?? []).filter((i) => i.LifecycleState === 'Standby')).toHaveLength(3);
  });

  it('refuses what the API pages refuse, naming the field or instance, and changes nothing', async () => {
    const s = await setup({ standby: 1 });
    const before = JSON.stringify(await s.described());
    const refused = (action: string, input: Record<string, unknown>, message: RegExp) =>
      expect(s.team(action, input)).rejects.toMatchObject({
        name: 'ValidationError',
        message: expect.stringMatching(message),
      });
    const many = (n: number) => Array.from({ length: n }, (_, i) => `i-${String(i).padStart(17, '0')}`);
    await refused(
      'SetInstanceProtection',
      { InstanceIds: many(51), ProtectedFromScaleIn: true },
      /up to 50 instance ids; 51/,
    );
    await refused('SetInstanceProtection', { InstanceIds: [], ProtectedFromScaleIn: true }, /at least one instance id/);
    await refused('SetInstanceProtection', { InstanceIds: ids(s).slice(0, 1) }, /ProtectedFromScaleIn is required/);
    await refused(
      'EnterStandby',
      { InstanceIds: many(21), ShouldDecrementDesiredCapacity: true },
      /up to 20 instance ids; 21/,
    );
    await refused('EnterStandby', { InstanceIds: ids(s).slice(0, 1) }, /ShouldDecrementDesiredCapacity is required/);
    await refused('ExitStandby', { InstanceIds: many(21) }, /up to 20 instance ids; 21/);
    // 3 desired (the Standby one decremented) less 2 would be 1, below a minimum of 2.
    s.group.minSize = 2;
    await refused(
      'EnterStandby',
      { InstanceIds: ids(s).slice(0, 2), ShouldDecrementDesiredCapacity: true },
      /below the minimum size 2/,
    );
    s.group.minSize = 0;
    await refused(
      'EnterStandby',
      { InstanceIds: ids(s).slice(3), ShouldDecrementDesiredCapacity: true },
      /not in InService/,
    );
    await refused('ExitStandby', { InstanceIds: ids(s).slice(0, 1) }, /not in Standby/);
    await refused(
      'SetInstanceProtection',
      { InstanceIds: [ids(s)[0], 'i-0123456789abcdef0'], ProtectedFromScaleIn: true },
      /i-0123456789abcdef0 is not part of Auto Scaling group web/,
    );
    expect(JSON.stringify(await s.described())).toBe(before);
  });
});
