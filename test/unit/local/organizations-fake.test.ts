import {
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListParentsCommand,
  ListTagsForResourceCommand,
  paginateListAccountsForParent,
  paginateListChildren,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
} from '@aws-sdk/client-organizations';
import { afterEach, describe, expect, it } from 'vitest';
import { organizationsClient } from '../../../aws/clients/organizations.js';
import { OrganizationsFake, organizationFromCatalog } from '../../../local/fakes/organizations.js';
import { withdrawViolations } from '../../../local/models/request-check.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';

const catalog = {
  organization: { id: 'o-a1b2c3d4e5', homeRegion: 'us-east-1' },
  channels: [
    {
      name: 'dev',
      targets: { ous: ['ou-x1y2-dev00001'], accounts: [], accountTags: {}, exclude: { ous: [], accounts: [] } },
      vulnerabilities: { maxCritical: 0, maxHigh: 0 },
    },
    {
      name: 'prod',
      targets: {
        ous: ['ou-x1y2-prd00001'],
        accounts: [],
        accountTags: {},
        exclude: { ous: [], accounts: ['111122223333'] },
      },
      vulnerabilities: { maxCritical: 0, maxHigh: 0 },
    },
  ],
};

function cloud(accountsPerOu = 25) {
  const organization = organizationFromCatalog(catalog, { managementAccountId: ACCOUNT, accountsPerOu });
  organization.ous[0]?.accounts?.[0] && Object.assign(organization.ous[0].accounts[0], { tags: { team: 'web' } });
  return localCloud({ organization });
}

const orgs = () => organizationsClient('us-east-1');

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

describe('OrganizationsFake', () => {
  afterEach(resetClients);

  it('builds root → channel OUs → accounts from the catalog', async () => {
    const { fakes } = cloud();
    const org = await orgs().send(new DescribeOrganizationCommand({}));
    expect(org.Organization).toMatchObject({ Id: 'o-a1b2c3d4e5', MasterAccountId: ACCOUNT });
    const roots = (await all(paginateListRoots({ client: orgs() }, {}))).flatMap((p) => p.Roots ?? []);
    expect(roots).toHaveLength(1);
    const ous = (
      await all(paginateListOrganizationalUnitsForParent({ client: orgs() }, { ParentId: roots[0]!.Id! }))
    ).flatMap((p) => p.OrganizationalUnits ?? []);
    expect(ous.map((o) => o.Id)).toEqual(['ou-x1y2-dev00001', 'ou-x1y2-prd00001']);
    expect(fakes.organizations.accountsUnder('ou-x1y2-prd00001')).toHaveLength(25);
    expect(fakes.organizations.isMember('111122223333')).toBe(true);
  });

  it('pages accounts 20 at a time, the documented maximum, and returns every one', async () => {
    cloud(45);
    const pages = await all(
      paginateListAccountsForParent({ client: orgs(), pageSize: 20 }, { ParentId: 'ou-x1y2-prd00001' }),
    );
    expect(pages.map((p) => p.Accounts?.length)).toEqual([20, 20, 5]);
    expect(new Set(pages.flatMap((p) => p.Accounts ?? []).map((a) => a.Id)).size).toBe(45);
    const children = await all(
      paginateListChildren({ client: orgs() }, { ParentId: 'ou-x1y2-dev00001', ChildType: 'ACCOUNT' }),
    );
    expect(children.flatMap((p) => p.Children ?? [])).toHaveLength(45);
  });

  it('refuses a MaxResults above the documented 20 with InvalidInputException, as AWS does', async () => {
    cloud(45);
    await expect(
      orgs().send(new ListAccountsForParentCommand({ ParentId: 'ou-x1y2-prd00001', MaxResults: 100 })),
    ).rejects.toMatchObject({ name: 'InvalidInputException' });
    expect(withdrawViolations((v) => v.path === 'MaxResults' && v.rule === 'range')).toHaveLength(1);
  });

  it('answers ParentNotFoundException, AccountNotFoundException and ChildNotFoundException', async () => {
    cloud();
    await expect(orgs().send(new ListAccountsForParentCommand({ ParentId: 'ou-x1y2-zzz00001' }))).rejects.toMatchObject(
      {
        name: 'ParentNotFoundException',
      },
    );
    await expect(orgs().send(new DescribeAccountCommand({ AccountId: '999999999999' }))).rejects.toMatchObject({
      name: 'AccountNotFoundException',
    });
    await expect(orgs().send(new ListParentsCommand({ ChildId: '999999999999' }))).rejects.toMatchObject({
      name: 'ChildNotFoundException',
    });
  });

  it('returns account tags and parents', async () => {
    const { fakes } = cloud();
    const tagged = fakes.organizations.accountsUnder('ou-x1y2-dev00001')[0]!;
    const tags = await orgs().send(new ListTagsForResourceCommand({ ResourceId: tagged }));
    expect(tags.Tags).toEqual([{ Key: 'team', Value: 'web' }]);
    const parents = await orgs().send(new ListParentsCommand({ ChildId: tagged }));
    expect(parents.Parents).toEqual([{ Id: 'ou-x1y2-dev00001', Type: 'ORGANIZATIONAL_UNIT' }]);
  });

  it('answers the same tree questions each time, nested OUs included, with lists the caller may change', () => {
    const org = new OrganizationsFake({
      organizationId: 'o-a1b2c3d4e5',
      managementAccountId: ACCOUNT,
      ous: [
        { id: 'ou-x1y2-prd00001', accounts: [{ id: '200000000001' }] },
        { id: 'ou-x1y2-prd00002', parentId: 'ou-x1y2-prd00001', accounts: [{ id: '200000000002' }] },
      ],
    });
    const nested = '200000000002';
    expect(org.ancestors(nested)).toEqual(['ou-x1y2-prd00002', 'ou-x1y2-prd00001', org.rootId]);
    expect([...org.ouArnsAbove(nested)]).toEqual(org.ancestors(nested).map((id) => org.ouArn(id)));
    expect(org.ouArnsAbove('999999999999').size).toBe(0);
    org.ancestors(nested).reverse();
    org.accountIds().pop();
    org.accountsUnder('ou-x1y2-prd00001').pop();
    expect(org.ancestors(nested)[0]).toBe('ou-x1y2-prd00002');
    expect(org.accountIds()).toEqual([ACCOUNT, '200000000001', nested]);
    expect(org.accountsUnder('ou-x1y2-prd00001')).toEqual(['200000000001', nested]);
  });
});
