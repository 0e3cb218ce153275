import { StartInstanceRefreshCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateVersionCommand, DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { defineRolloutRoles } from '../../../local/simulator/rollout-roles.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';
import { FACTORY_ROLE, MEMBER, memberClients, memberGroup, ORG, REGION, rolloutCloud } from './rollout-member.js';

afterEach(resetClients);

describe('member access through the rollout role', () => {
  it('acts in the member account: a tagged group refreshes, an untagged one is AccessDenied by the tag condition', async () => {
    const cloud = rolloutCloud();
    const ami = cloud.share('base-1');
    memberGroup(cloud, 'tagged', ami);
    memberGroup(cloud, 'untagged', ami, { tagged: false });
    const { autoscaling } = await memberClients(cloud);
    await expect(
      autoscaling.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'tagged' })),
    ).resolves.toMatchObject({
      InstanceRefreshId: expect.any(String),
    });
    await expect(
      autoscaling.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'untagged' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringMatching(/autoscaling:StartInstanceRefresh/),
    });
    expect(cloud.fakes.autoscaling.refreshes.map((r) => r.group.name)).toEqual(['tagged']);
    expect(cloud.fakes.autoscaling.calls[0]).toMatchObject({
      account: MEMBER,
      principal: expect.stringMatching(/^arn:aws:sts::200000000001:assumed-role\/goldsmith-prod-rollout\//),
    });
  });

  it('a template without the tag gets no new version (UnauthorizedOperation), whatever the group carries', async () => {
    const cloud = rolloutCloud();
    const { template } = memberGroup(cloud, 'web', cloud.share('base-1'), { tagged: false });
    const { ec2 } = await memberClients(cloud);
    await expect(
      ec2.send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: template.id,
          SourceVersion: '1',
          LaunchTemplateData: { ImageId: cloud.share('base-2') },
        }),
      ),
    ).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
    expect(template.versions).toHaveLength(1);
  });

  it('CreateLaunchTemplateVersion is idempotent by ClientToken and inherits the source version', async () => {
    const cloud = rolloutCloud();
    const v1 = cloud.share('base-1');
    const v2 = cloud.share('base-2');
    const { template } = memberGroup(cloud, 'web', v1);
    template.versions[0] = { ...template.versions[0]!, data: { ImageId: v1, InstanceType: 'm6g.large' } };
    const { ec2 } = await memberClients(cloud);
    const request = {
      LaunchTemplateId: template.id,
      SourceVersion: '1',
      LaunchTemplateData: { ImageId: v2 },
      ClientToken: 'base/prod/1.0.0/2/web',
    };
    const first = await ec2.send(new CreateLaunchTemplateVersionCommand(request));
    const again = await ec2.send(new CreateLaunchTemplateVersionCommand(request));
    expect(first.LaunchTemplateVersion?.VersionNumber).toBe(2);
    expect(again.LaunchTemplateVersion?.VersionNumber).toBe(2);
    expect(template.versions).toHaveLength(2);
    const read = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: template.id, Versions: ['$Latest'] }),
    );
    expect(read.LaunchTemplateVersions?.[0]?.LaunchTemplateData).toMatchObject({
      ImageId: v2,
      InstanceType: 'm6g.large',
    });
    await expect(
      ec2.send(new CreateLaunchTemplateVersionCommand({ ...request, LaunchTemplateData: { ImageId: v1 } })),
    ).rejects.toMatchObject({ name: 'IdempotentParameterMismatch' });
    // The image usage reports count the template's versions.
    expect(cloud.fakes.ec2.usage.fleet?.usageOf(REGION, v2).get(MEMBER)?.launchTemplates).toBe(1);
  });

  it('gives member accounts the role the stacks let a factory role assume (inside the organization), trusting that role alone', async () => {
    const cloud = localCloud({
      organization: {
        organizationId: ORG,
        managementAccountId: ACCOUNT,
        ous: [{ id: 'ou-ab12-11111111', accounts: [{ id: MEMBER }] }],
      },
    });
    const assume = {
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: 'arn:aws:iam::*:role/goldsmith-prod-rollout',
      // As the engine role's policy says it (stacks/promotion/rollout.ts): only roles of the organization's accounts.
      Condition: { StringEquals: { 'aws:ResourceOrgID': ORG } },
    };
    const policies = new Map([[FACTORY_ROLE, [{ Version: '2012-10-17', Statement: [assume] }]]]);
    expect(defineRolloutRoles(cloud.fakes, policies)).toBe(1);
    const rolloutCloudLike = { ...cloud, share: () => '' };
    await expect(memberClients(rolloutCloudLike)).resolves.toBeDefined();
    const other = `arn:aws:iam::${ACCOUNT}:role/goldsmith-prod-other-fn`;
    await expect(memberClients(rolloutCloudLike, other)).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('AssumeRole by a principal the trust policy does not name is AccessDenied', async () => {
    const cloud = rolloutCloud();
    await expect(memberClients(cloud, `arn:aws:iam::${ACCOUNT}:role/some-other-function`)).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });
});
