import { StartInstanceRefreshCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateVersionCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { findFollowingGroups } from '../../../aws/rollout-groups.js';
import { resetClients } from './helpers.js';
import { FOLLOWS, MEMBER, memberClients, memberGroup, REGION, rolloutCloud } from './rollout-member.js';

afterEach(resetClients);

/**
 * What the member accounts' rollout role may touch (core/rollout/member-role.ts), decided by the fakes from the role's
 * documents: only groups and templates tagged with a value the catalog rolls out, and a new template version never
 * changes what a group that did not opt in launches.
 */
describe("the rollout role touches only what opted in to the catalog's rollouts", () => {
  it('refuses to refresh a group, or version a template, tagged with another image/channel than the catalog rolls out', async () => {
    const cloud = rolloutCloud();
    const { template } = memberGroup(cloud, 'theirs', cloud.share('base-1'), { follow: 'other-image/prod' });
    const { autoscaling, ec2 } = await memberClients(cloud);
    await expect(
      autoscaling.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'theirs' })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(
      ec2.send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: template.id,
          SourceVersion: '1',
          LaunchTemplateData: { ImageId: cloud.share('base-2') },
        }),
      ),
    ).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
    expect(cloud.fakes.autoscaling.refreshes).toEqual([]);
  });

  it("creates a numbered version of a shared template and refreshes only the tagged group; the untagged group's version is unchanged", async () => {
    const cloud = rolloutCloud();
    const v1 = cloud.share('base-1');
    const { template, group } = memberGroup(cloud, 'tagged', v1);
    // Another team's group on the same template, at version 1, without the tag.
    const other = cloud.fakes.autoscaling.createGroup({
      account: MEMBER,
      region: REGION,
      name: 'untagged',
      launchTemplateId: template.id,
      version: '1',
      desiredCapacity: 2,
      tags: {},
    });
    const { autoscaling, ec2 } = await memberClients(cloud);
    const made = await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: template.id,
        SourceVersion: '1',
        LaunchTemplateData: { ImageId: cloud.share('base-2') },
      }),
    );
    expect(made.LaunchTemplateVersion?.VersionNumber).toBe(2);
    const desired = { LaunchTemplate: { LaunchTemplateId: template.id, Version: '2' } };
    await autoscaling.send(
      new StartInstanceRefreshCommand({ AutoScalingGroupName: 'tagged', DesiredConfiguration: desired }),
    );
    await expect(
      autoscaling.send(
        new StartInstanceRefreshCommand({ AutoScalingGroupName: 'untagged', DesiredConfiguration: desired }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(cloud.fakes.autoscaling.refreshes.map((r) => r.group.name)).toEqual(['tagged']);
    // Neither group's saved configuration moved: the tagged one's new version is only its refresh's desired one.
    expect(group.launchTemplate).toEqual({ id: template.id, version: '1' });
    expect(other.launchTemplate).toEqual({ id: template.id, version: '1' });
    expect(other.instances.every((i) => i.imageId === v1)).toBe(true);
  });

  it('skips a following group whose template another group runs at $Latest: a new version would change what that group launches', async () => {
    const cloud = rolloutCloud();
    const { template } = memberGroup(cloud, 'tagged', cloud.share('base-1'));
    memberGroup(cloud, 'alone', cloud.share('base-1'));
    cloud.fakes.autoscaling.createGroup({
      account: MEMBER,
      region: REGION,
      name: 'latest',
      launchTemplateId: template.id,
      version: '$Latest',
      desiredCapacity: 1,
      tags: {},
    });
    const { credentials } = await memberClients(cloud);
    const identity = { key: `rollout-${MEMBER}`, credentials: async () => credentials };
    const found = await findFollowingGroups({ account: MEMBER, region: REGION, identity }, FOLLOWS);
    expect(found).toEqual([
      {
        kind: 'ready',
        group: 'alone',
        launchTemplateId: expect.any(String),
        fromVersion: 1,
        fromImageId: expect.stringMatching(/^ami-/),
      },
      {
        kind: 'skip',
        group: 'tagged',
        reason: `its launch template ${template.id} is also run at $Latest by group latest, which a new version would change`,
      },
    ]);
  });
});
