import { StartInstanceRefreshCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateVersionCommand, DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { rolloutRoleResource } from '../../../core/rollout/member-role.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';
import { FACTORY_ROLE, MEMBER, memberClients, memberGroup, ORG, REGION, rolloutCloud } from './rollout-member.js';

afterEach(resetClients);

const OU = 'ou-ab12-11111111';

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

  it("gives the accounts of the baseline's OUs the rollout role from its stack instances, trusting the engine role alone, and takes it from a leaver", async () => {
    const cloud = localCloud({
      organization: {
        organizationId: ORG,
        managementAccountId: ACCOUNT,
        ous: [{ id: OU, accounts: [{ id: MEMBER }] }, { id: 'ou-ab12-22222222' }],
      },
    });
    const assume = {
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: 'arn:aws:iam::*:role/goldsmith-prod-rollout',
      // As the engine role's policy says it (stacks/promotion/rollout.ts): only roles of the organization's accounts.
      Condition: { StringEquals: { 'aws:ResourceOrgID': ORG } },
    };
    cloud.fakes.memberAccess.useCallerPolicies((arn) =>
      arn === FACTORY_ROLE ? [{ Version: '2012-10-17', Statement: [assume] }] : undefined,
    );
    const { stackSets, organizations } = cloud.fakes;
    stackSets.trustedAccess = true;
    stackSets.createStackSet(ACCOUNT, {
      StackSetName: 'goldsmith-prod-member-baseline',
      // The member template's rollout role, declared in the instance of the first Region only.
      TemplateBody: JSON.stringify({
        Parameters: { FactoryAccount: { Type: 'String' } },
        Conditions: { RolloutRoleRegion: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, REGION] } },
        Resources: { RolloutRole: rolloutRoleResource('prod', ORG, FACTORY_ROLE, ['base/prod']) },
      }),
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'SELF',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Parameters: [{ ParameterKey: 'FactoryAccount', ParameterValue: ACCOUNT }],
    });
    await stackSets.createStackInstances([OU], [REGION, 'us-east-1'], 0);
    expect(stackSets.stackInstances().map((i) => `${i.account} ${i.region} ${i.status}`)).toEqual([
      `${MEMBER} ${REGION} CURRENT`,
      `${MEMBER} us-east-1 CURRENT`,
    ]);
    const rolloutCloudLike = { ...cloud, share: () => '' };
    memberGroup(rolloutCloudLike, 'web', cloud.fakes.ec2.registerImage(REGION, { name: 'base-1' }).imageId);
    const { autoscaling } = await memberClients(rolloutCloudLike);
    const other = `arn:aws:iam::${ACCOUNT}:role/goldsmith-prod-other-fn`;
    await expect(memberClients(rolloutCloudLike, other)).rejects.toMatchObject({ name: 'AccessDenied' });
    // The account moves out of the targeted OU: auto-deployment deletes its instances, and with them the role.
    organizations.change({ change: 'move-account', account: MEMBER, to: 'ou-ab12-22222222' }, '2027-01-01T00:00:00Z');
    await stackSets.reconcile(0);
    expect(stackSets.stackInstances()).toEqual([]);
    await expect(memberClients(rolloutCloudLike)).rejects.toMatchObject({ name: 'AccessDenied' });
    // A session taken before acts no more: the role's policies are gone with it.
    await expect(
      autoscaling.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'web' })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('AssumeRole by a principal the trust policy does not name is AccessDenied', async () => {
    const cloud = rolloutCloud();
    await expect(memberClients(cloud, `arn:aws:iam::${ACCOUNT}:role/some-other-function`)).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });

  it('AssumeRole of a role the member account does not hold is AccessDenied, not credentials acting as the factory', async () => {
    const cloud = rolloutCloud();
    const missing = `arn:aws:iam::${MEMBER}:role/goldsmith-prod-rollout-deadbeef`;
    await expect(memberClients(cloud, FACTORY_ROLE, missing)).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: ${FACTORY_ROLE} is not authorized to perform: sts:AssumeRole on resource: ${missing}`,
    });
  });
});
