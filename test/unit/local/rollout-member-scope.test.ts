import { StartInstanceRefreshCommand } from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { findFollowingGroups } from '../../../aws/rollout/rollout-groups.js';
import { createTemplateVersion } from '../../../aws/rollout/rollout-template-versions.js';
import { rolloutRolePolicy } from '../../../core/rollout/member-role.js';
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
    const found = await findFollowingGroups(
      { account: MEMBER, region: REGION, role: { identity: async () => identity, renew: async () => undefined } },
      FOLLOWS,
    );
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
  it("creates its version without making it the template's default: $Default still names the team's AMI, only $Latest moves, and the role cannot change the default", async () => {
    const cloud = rolloutCloud();
    const v1 = cloud.share('base-1');
    const v2 = cloud.share('base-2');
    const { template } = memberGroup(cloud, 'tagged', v1);
    const { credentials, ec2 } = await memberClients(cloud);
    const identity = { key: `rollout-${MEMBER}`, credentials: async () => credentials };
    // Exactly as a wave creates it (aws/rollout/rollout-refresh.ts).
    const made = await createTemplateVersion(
      { account: MEMBER, region: REGION, role: { identity: async () => identity, renew: async () => undefined } },
      {
        launchTemplateId: template.id,
        sourceVersion: 1,
        imageId: v2,
        clientToken: 'goldsmith-t',
        description: 'goldsmith',
      },
    );
    expect(made).toBe(2);
    const [described] =
      (await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [template.id] }))).LaunchTemplates ?? [];
    expect(described).toMatchObject({ DefaultVersionNumber: 1, LatestVersionNumber: 2 });
    const imageAt = async (version: string) =>
      (
        await ec2.send(
          new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: template.id, Versions: [version] }),
        )
      ).LaunchTemplateVersions?.[0]?.LaunchTemplateData?.ImageId;
    // An instance launched directly from the template without a version, or at $Default, gets the team's AMI; one
    // launched at $Latest gets Goldsmith's (docs/rollout.md, "What a team does").
    expect(await imageAt('$Default')).toBe(v1);
    expect(await imageAt('$Latest')).toBe(v2);
    // Setting a default version is ModifyLaunchTemplate
    // (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-launch-template-versions.html): not the role's.
    const policy = rolloutRolePolicy([FOLLOWS]) as { Statement: { Action: string | string[] }[] };
    const actions = policy.Statement.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
    const grants = (action: string) => (pattern: string) =>
      new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action);
    expect(actions.filter(grants('ec2:ModifyLaunchTemplate'))).toEqual([]);
    expect(actions.length).toBeGreaterThan(0);
  });
});
