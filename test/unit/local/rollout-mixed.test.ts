import { DescribeAutoScalingGroupsCommand, StartInstanceRefreshCommand } from '@aws-sdk/client-auto-scaling';
import { afterEach, describe, expect, it } from 'vitest';
import { findFollowingGroups } from '../../../aws/rollout/rollout-groups.js';
import { startRefresh } from '../../../aws/rollout/rollout-refresh.js';
import { createTemplateVersion } from '../../../aws/rollout/rollout-template-versions.js';
import { resetClients } from './helpers.js';
import { FOLLOWS, MEMBER, memberClients, REGION, rolloutCloud, TAG } from './rollout-member.js';

afterEach(resetClients);

const MIN = 60_000;
const POLICY = {
  LaunchTemplate: { Overrides: [{ InstanceType: 'm7g.large', WeightedCapacity: '2' }, { InstanceType: 'm6g.large' }] },
  InstancesDistribution: {
    OnDemandBaseCapacity: 1,
    OnDemandPercentageAboveBaseCapacity: 25,
    SpotAllocationStrategy: 'price-capacity-optimized',
    SpotMaxPrice: '0.05',
  },
};

/** A tagged mixed-instances group (two instance types, mostly Spot) on AMI v1, and the rollout role's scope. */
async function setup() {
  const cloud = rolloutCloud();
  const v1 = cloud.share('base-1');
  const v2 = cloud.share('base-2');
  const tags = { [TAG]: FOLLOWS };
  const template = cloud.fakes.ec2.templates?.create(MEMBER, REGION, 'spot-lt', { ImageId: v1 }, tags);
  if (!template) throw new Error('no launch templates');
  cloud.fakes.autoscaling.createGroup({
    account: MEMBER,
    region: REGION,
    name: 'spot',
    launchTemplateId: template.id,
    version: '1',
    desiredCapacity: 2,
    tags,
    mixedInstancesPolicy: POLICY,
  });
  const { credentials, autoscaling } = await memberClients(cloud);
  const scope = {
    account: MEMBER,
    region: REGION,
    role: {
      identity: async () => ({ key: `rollout-${MEMBER}`, credentials: async () => credentials }),
      renew: async () => undefined,
    },
  };
  const version = await createTemplateVersion(scope, {
    launchTemplateId: template.id,
    sourceVersion: 1,
    imageId: v2,
    clientToken: 'goldsmith-mixed',
    description: 'goldsmith base prod 1.0.0/2',
  });
  const finish = async () => {
    await cloud.clock.run(cloud.clock.now() + 30 * MIN);
    cloud.fakes.autoscaling.advance();
  };
  const policy = async () =>
    (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['spot'] })))
      .AutoScalingGroups?.[0]?.MixedInstancesPolicy;
  return { cloud, scope, template, version, autoscaling, finish, policy };
}

const prefs = {
  AutoRollback: true,
  BakeTime: 0,
  MinHealthyPercentage: 50,
  MaxHealthyPercentage: 100,
  SkipMatching: false,
  InstanceWarmup: 0,
  ScaleInProtectedInstances: 'Ignore' as const,
  StandbyInstances: 'Ignore' as const,
};

describe('a mixed-instances group refreshed in the local cloud', () => {
  it('keeps every override, the distribution and the Spot settings; only the template version changes', async () => {
    const s = await setup();
    const [found] = await findFollowingGroups(s.scope, FOLLOWS);
    if (found?.kind !== 'ready') throw new Error(`not ready: ${JSON.stringify(found)}`);
    const started = await startRefresh(s.scope, {
      group: 'spot',
      launchTemplateId: s.template.id,
      version: s.version,
      preferences: prefs,
      mixed: found.mixed ?? 'none',
    });
    expect(started).toMatchObject({ kind: 'started' });
    await s.finish();
    expect(await s.policy()).toEqual({
      LaunchTemplate: {
        LaunchTemplateSpecification: expect.objectContaining({ LaunchTemplateId: s.template.id, Version: '2' }),
        Overrides: POLICY.LaunchTemplate.Overrides,
      },
      InstancesDistribution: {
        OnDemandAllocationStrategy: 'prioritized',
        OnDemandBaseCapacity: 1,
        OnDemandPercentageAboveBaseCapacity: 25,
        SpotAllocationStrategy: 'price-capacity-optimized',
        SpotMaxPrice: '0.05',
      },
    });
  });

  it('a refresh back that is not given the policy reads the group and keeps it as well', async () => {
    const s = await setup();
    await startRefresh(s.scope, {
      group: 'spot',
      launchTemplateId: s.template.id,
      version: s.version,
      preferences: prefs,
    });
    await s.finish();
    expect((await s.policy())?.InstancesDistribution?.OnDemandPercentageAboveBaseCapacity).toBe(25);
  });

  it('resets what the desired configuration leaves out: a LaunchTemplate alone ends the policy, a bare policy resets the Spot split', async () => {
    const s = await setup();
    const desired = { LaunchTemplateId: s.template.id, Version: String(s.version) };
    await s.autoscaling.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: 'spot',
        DesiredConfiguration: { LaunchTemplate: desired },
        Preferences: prefs,
      }),
    );
    await s.finish();
    expect(await s.policy()).toBeUndefined();

    const t = await setup();
    await t.autoscaling.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: 'spot',
        DesiredConfiguration: {
          MixedInstancesPolicy: {
            LaunchTemplate: {
              LaunchTemplateSpecification: { LaunchTemplateId: t.template.id, Version: String(t.version) },
            },
          },
        },
        Preferences: prefs,
      }),
    );
    await t.finish();
    expect(await t.policy()).toMatchObject({
      LaunchTemplate: { Overrides: [] },
      InstancesDistribution: { OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 100 },
    });
  });
});
