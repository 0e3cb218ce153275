import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { amiSharingQuotaCheck } from '../../../aws/preflight/preflight-quotas.js';
import type { Catalog } from '../../../core/config/schema.js';
import { mockClient } from '../../helpers/mock-client.js';
import { preflightCatalog } from './preflight-catalog.js';

const orgs = mockClient(OrganizationsClient);
const ROOT = 'r-ab12';
const WEB = 'ou-ab12-web00001';
const API = 'ou-ab12-api00001';
const MEMBERS = Array.from({ length: 1_001 }, (_, i) => String(300000000000 + i));

function catalog(targets: Record<string, unknown>): Catalog {
  return preflightCatalog([
    { name: 'dev', targets: { ous: [WEB] } },
    { name: 'prod', targets },
  ]);
}

beforeEach(() => {
  orgs.on(DescribeOrganizationCommand).resolves({
    Organization: { Id: 'o-a1b2c3d4e5', Arn: 'arn:aws:organizations::999988887777:organization/o-a1b2c3d4e5' },
  });
  orgs.on(ListRootsCommand).resolves({ Roots: [{ Id: ROOT }] });
  orgs
    .on(ListOrganizationalUnitsForParentCommand)
    .resolves({ OrganizationalUnits: [] })
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: ROOT })
    .resolves({
      OrganizationalUnits: [WEB, API].map((Id) => ({
        Id,
        Arn: `arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/${Id}`,
      })),
    });
  orgs
    .on(ListAccountsForParentCommand)
    .resolves({ Accounts: [] })
    .on(ListAccountsForParentCommand, { ParentId: WEB })
    .resolves({ Accounts: MEMBERS.map((Id) => ({ Id, State: 'ACTIVE' })) })
    .on(ListAccountsForParentCommand, { ParentId: API })
    .resolves({ Accounts: [{ Id: '400000000001', State: 'ACTIVE' }] });
  orgs
    .on(ListTagsForResourceCommand)
    .resolves({ Tags: [{ Key: 'tier', Value: 'gold' }] })
    .on(ListTagsForResourceCommand, { ResourceId: '400000000001' })
    .resolves({ Tags: [] });
});

afterEach(() => orgs.reset());

describe('goldsmith preflight: the AMI sharing quota against the real organization', () => {
  it('finds a channel whose tag selection reaches 1,001 accounts, naming the channel, the count and the quota', async () => {
    const check = await amiSharingQuotaCheck(catalog({ accountTags: { tier: 'gold' } }));

    expect(check.status).toBe('missing');
    expect(check.detail).toMatch(
      /^channels\.prod\.targets: each AMI of a version in channels prod at once \(prod 1,001; resolved against the organization\) would be 1,001 entities, over the EC2 AMI sharing \(entities per AMI and Region\) limit of 1,000 \(images: base\)/,
    );
    expect(check.detail).toContain('raise "AMI sharing" in Service Quotas');
    expect(orgs).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 1_001 + 1);
  });

  it('finds an OU excluding one account broken into its other 1,000 accounts, which dev covers only while held', async () => {
    const check = await amiSharingQuotaCheck(catalog({ ous: [WEB, API], exclude: { accounts: [MEMBERS[0]] } }));

    expect(check).toEqual({
      name: 'AMI sharing quota',
      status: 'missing',
      detail: expect.stringContaining(
        'channels prod at once (prod 1,001; resolved against the organization) would be 1,001 entities',
      ),
    });
    expect(orgs).not.toHaveReceivedCommand(ListTagsForResourceCommand);
  });

  it('reports the tightest channel set when every one is within the quota', async () => {
    const check = await amiSharingQuotaCheck(catalog({ organization: true }));

    expect(check).toEqual({
      name: 'AMI sharing quota',
      status: 'ok',
      detail: expect.stringMatching(/^EC2 AMI sharing \(entities per AMI and Region\): 1 of 1,000 entities/),
    });
  });

  it('says it could not check when the organization cannot be read in full', async () => {
    orgs
      .on(ListAccountsForParentCommand, { ParentId: WEB })
      .rejects(Object.assign(new Error('You do not have access'), { name: 'AccessDeniedException' }));

    const check = await amiSharingQuotaCheck(catalog({ organization: true }));

    expect(check).toMatchObject({ status: 'not checked', detail: expect.stringContaining('AccessDeniedException') });
  });
});
