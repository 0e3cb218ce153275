import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  DescribeResourcePolicyCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
} from '@aws-sdk/client-organizations';
import { afterEach, describe, expect, it } from 'vitest';
import { organizationsClient } from '../../../aws/clients/organizations.js';
import { localCloud, resetClients } from './helpers.js';

const MANAGEMENT = '100000000000';
const MEMBER = '200000000001';
const OU = 'ou-ab12-platform';

function cloud(factory: string) {
  return localCloud({
    accountId: factory,
    organization: {
      organizationId: 'o-a1b2c3d4e5',
      managementAccountId: MANAGEMENT,
      ous: [{ id: OU, accounts: [{ id: MEMBER }] }],
    },
  }).fakes.prerequisites.organization;
}

afterEach(() => resetClients());

describe("the local organization's administration (delegation policy, delegated administrators, SCPs)", () => {
  it('lets a member read the tree only as a delegated administrator or through the delegation policy', async () => {
    const admin = cloud(MEMBER);
    const orgs = organizationsClient('us-east-1');
    await expect(orgs.send(new ListRootsCommand({}))).resolves.toMatchObject({ Roots: [expect.anything()] });

    admin.delegatedAdministrators.clear();
    await expect(orgs.send(new ListRootsCommand({}))).resolves.toMatchObject({ Roots: [expect.anything()] });

    admin.resourcePolicy = undefined;
    await expect(orgs.send(new ListRootsCommand({}))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(orgs.send(new DescribeResourcePolicyCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    // Any member may describe its organization.
    await expect(orgs.send(new DescribeOrganizationCommand({}))).resolves.toMatchObject({
      Organization: { MasterAccountId: MANAGEMENT },
    });
  });

  it('answers the management account ResourcePolicyNotFoundException when there is no delegation policy', async () => {
    cloud(MANAGEMENT);

    await expect(organizationsClient('us-east-1').send(new DescribeResourcePolicyCommand({}))).rejects.toMatchObject({
      name: 'ResourcePolicyNotFoundException',
    });
  });

  it('lists only the SCPs attached directly to a target, and refuses unknown targets and policies', async () => {
    const admin = cloud(MANAGEMENT);
    admin.attach({ id: 'p-ou0000001', name: 'ou-guard', content: '{}' }, OU);
    const orgs = organizationsClient('us-east-1');
    const names = async (target: string) =>
      (
        await orgs.send(new ListPoliciesForTargetCommand({ TargetId: target, Filter: 'SERVICE_CONTROL_POLICY' }))
      ).Policies?.map((p) => p.Name);

    expect(await names(OU)).toEqual(['ou-guard']);
    expect(await names(MEMBER)).toEqual([]);
    expect(await names('r-a1b2')).toEqual([
      'FullAWSAccess',
      'goldsmith-prod-scp-1',
      'goldsmith-prod-scp-2',
      'goldsmith-prod-scp-3',
      'goldsmith-prod-scp-4',
    ]);
    await expect(names('ou-ab12-nothere01')).rejects.toMatchObject({ name: 'TargetNotFoundException' });
    await expect(orgs.send(new DescribePolicyCommand({ PolicyId: 'p-nothere1' }))).rejects.toMatchObject({
      name: 'PolicyNotFoundException',
    });
  });
});
