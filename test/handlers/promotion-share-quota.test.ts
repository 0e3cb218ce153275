import {
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeSnapshotAttributeCommand,
  EC2Client,
  ModifyImageAttributeCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyError } from '../../core/errors/classify.js';
import { share } from '../../functions/promotion/share.js';
import { forgetOrganization } from '../../functions/sharing/channel-targets.js';
import { mockClient } from '../helpers/mock-client.js';
import { catalog, channelItem, ledgerFactsAnswer } from './promotion-fixtures.js';

const ddb = mockClient(DynamoDBDocumentClient);
const ec2 = mockClient(EC2Client);
const org = mockClient(OrganizationsClient);

const ROOT = 'r-x1y2';
const ORG_ARN = 'arn:aws:organizations::999988887777:organization/o-a1b2c3d4e5';
const ouArn = (id: string) => `arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/${id}`;
/** 1,200 active accounts under the root; the channels' OUs hold one account each. */
const MEMBERS = Array.from({ length: 1_200 }, (_, i) => String(300000000000 + i));

/** The example catalog with dev granted `count` of the root's accounts one by one, besides its OU. */
function devAccounts(count: number, quotas: Record<string, number> = {}): void {
  process.env.GOLDSMITH_CATALOG = JSON.stringify({
    ...catalog,
    quotas,
    channels: catalog.channels.map((c) =>
      c.name === 'dev' ? { ...c, targets: { ...c.targets, accounts: MEMBERS.slice(0, count) } } : c,
    ),
  });
}

const promoted = (...channels: string[]) =>
  ddb.on(QueryCommand).resolves({ Items: channels.map((channel) => ({ channel, outcome: 'promoted' })) });

beforeEach(() => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
  forgetOrganization();
  ddb.on(PutCommand).resolves({});
  ddb.on(GetCommand).resolves({});
  ddb.on(BatchGetCommand).callsFake(ledgerFactsAnswer());
  promoted();
  org.on(DescribeOrganizationCommand).resolves({ Organization: { Arn: ORG_ARN } });
  org.on(ListRootsCommand).resolves({ Roots: [{ Id: ROOT }] });
  const ous = ['ou-x1y2-dev00001', 'ou-x1y2-stg00001', 'ou-x1y2-prd00001', 'ou-x1y2-prd00002'];
  org
    .on(ListOrganizationalUnitsForParentCommand)
    .resolves({ OrganizationalUnits: [] })
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: ROOT })
    .resolves({ OrganizationalUnits: ous.map((Id) => ({ Id, Arn: ouArn(Id) })) });
  org
    .on(ListAccountsForParentCommand, { ParentId: ROOT })
    .resolves({ Accounts: MEMBERS.map((Id) => ({ Id, State: 'ACTIVE' })) });
  for (const [i, ou] of ous.entries()) {
    org
      .on(ListAccountsForParentCommand, { ParentId: ou })
      .resolves({ Accounts: [{ Id: String(200000000001 + i), State: 'ACTIVE' }] });
  }
  ec2.on(DescribeImageAttributeCommand).resolves({ LaunchPermissions: [] });
  ec2.on(DescribeImagesCommand).resolves({ Images: [{ BlockDeviceMappings: [] }] });
  ec2.on(DescribeSnapshotAttributeCommand).resolves({ CreateVolumePermissions: [] });
  ec2.on(ModifyImageAttributeCommand).resolves({});
});

afterEach(() => {
  for (const m of [ddb, ec2, org]) m.reset();
});

describe('share and the AMI sharing quota', () => {
  it('refuses a channel that would share each AMI with 1,001 entities, before any EC2 call, naming count and quota', async () => {
    devAccounts(1_000);

    const refused = await share(channelItem('dev')).catch((error: unknown) => error);

    expect(refused).toMatchObject({
      name: 'AmiSharingQuotaExceeded',
      message: expect.stringContaining(
        "base 1.0.0/3 would be shared with 1,001 entities (organizations, OUs, accounts) per AMI in us-east-1, eu-west-1, over EC2's AMI sharing quota of 1,000 per AMI and Region (channels: dev 1,001)",
      ),
    });
    expect(classifyError(refused)).toBe('permanent');
    expect(ec2.calls()).toHaveLength(0);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('counts the channels the version already holds: staging held plus dev entering goes over', async () => {
    devAccounts(999);
    promoted('staging');

    const refused = await share(channelItem('dev')).catch((error: unknown) => error);

    expect((refused as Error).message).toContain('with 1,001 entities');
    expect((refused as Error).message).toContain('(channels: dev 1,000, staging 1)');
    expect(ec2).not.toHaveReceivedCommand(ModifyImageAttributeCommand);
  });

  it('shares a channel exactly at the quota', async () => {
    devAccounts(999);

    const result = await share(channelItem('dev'));

    expect(result).toMatchObject({ targets: { grants: 1_000 }, calls: { modifyImageAttribute: 2 } });
  });

  it('holds to the quota as raised in the catalog (quotas.amiSharing) instead of the default', async () => {
    devAccounts(1_000, { amiSharing: 1_001 });

    const result = await share(channelItem('dev'));

    expect(result).toMatchObject({ targets: { grants: 1_001 }, calls: { modifyImageAttribute: 2 } });
    devAccounts(1_001, { amiSharing: 1_001 });
    await expect(share(channelItem('dev'))).rejects.toThrow("over EC2's AMI sharing quota of 1,001 per AMI and Region");
  });
});
