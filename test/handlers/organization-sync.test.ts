import {
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  EC2Client,
  ModifyImageAttributeCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configureClients } from '../../aws/clients.js';
import { recordOutcome } from '../../aws/promotion-ledger.js';
import { syncOrganization } from '../../functions/organization-sync.js';
import { forgetOrganization } from '../../functions/sharing/channel-targets.js';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynalite.js';
import { createLedgerTable, localLedgerClient } from '../helpers/ledger-table.js';
import { catalog } from './promotion-fixtures.js';

/**
 * organization-sync's re-grant after an organization change (functions/organization-sync.ts): an account moved out of
 * prd00001 (where prod grants by account id, because of the exclusion of 111122223333) loses prod's launch permission
 * even when the re-grant fails once, and when two events carry the same second.
 */

const org = mockClient(OrganizationsClient);
const ec2 = mockClient(EC2Client);
const ORG_ARN = 'arn:aws:organizations::999988887777:organization/o-a1b2c3d4e5';
const ouArn = (id: string) => `arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/${id}`;
const ROOT = 'r-x1y2';
const DEV = 'ou-x1y2-dev00001';
const STG = 'ou-x1y2-stg00001';
const PRD1 = 'ou-x1y2-prd00001';
const PRD2 = 'ou-x1y2-prd00002';
const LEAVER = '444455556666'; // in prd00001: granted prod by id
const NEWCOMER = '200000000002'; // staging account

let dynamo: LocalDynamo;
let table = 0;

/** The organization as Organizations answers now: account → parent. */
let parents: Record<string, string>;
const OUS: Record<string, string[]> = { [ROOT]: [DEV, STG, PRD1, PRD2], [DEV]: [], [STG]: [], [PRD1]: [], [PRD2]: [] };
/** Launch permissions EC2 holds on the AMI, per image id. */
let inForce: Map<string, Set<string>>;

function answerOrganizations() {
  org.reset();
  org.on(DescribeOrganizationCommand).resolves({ Organization: { Arn: ORG_ARN } });
  org.on(ListRootsCommand).resolves({ Roots: [{ Id: ROOT }] });
  org.on(ListOrganizationalUnitsForParentCommand).callsFake((i: { ParentId: string }) => ({
    OrganizationalUnits: (OUS[i.ParentId] ?? []).map((id) => ({ Id: id, Arn: ouArn(id), Name: id })),
  }));
  org.on(ListAccountsForParentCommand).callsFake((i: { ParentId: string }) => ({
    Accounts: Object.entries(parents)
      .filter(([, p]) => p === i.ParentId)
      .map(([Id]) => ({ Id, State: 'ACTIVE' })),
  }));
  org.on(ListParentsCommand).callsFake((i: { ChildId: string }) => ({
    Parents: [{ Id: parents[i.ChildId], Type: 'ORGANIZATIONAL_UNIT' }],
  }));
  org.on(DescribeAccountCommand).callsFake((i: { AccountId: string }) => ({
    Account: { Id: i.AccountId, State: 'ACTIVE' },
  }));
}

const grantKey = (g: { UserId?: string; OrganizationalUnitArn?: string; OrganizationArn?: string; Group?: string }) =>
  g.UserId ?? g.OrganizationalUnitArn ?? g.OrganizationArn ?? `group:${g.Group}`;

function answerEc2(failDescribe: boolean) {
  ec2.reset();
  ec2.on(DescribeImagesCommand).resolves({ Images: [] });
  ec2.on(DescribeImageAttributeCommand).callsFake((i: { ImageId: string }) => {
    if (failDescribe)
      throw Object.assign(new Error('We currently do not have sufficient capacity'), {
        name: 'InvalidAMIID.Unavailable',
      });
    return {
      LaunchPermissions: [...(inForce.get(i.ImageId) ?? [])].map((k) =>
        /^\d{12}$/.test(k) ? { UserId: k } : k.includes(':ou/') ? { OrganizationalUnitArn: k } : { OrganizationArn: k },
      ),
    };
  });
  ec2
    .on(ModifyImageAttributeCommand)
    .callsFake((i: { ImageId: string; LaunchPermission: { Add?: object[]; Remove?: object[] } }) => {
      const s = inForce.get(i.ImageId) ?? new Set<string>();
      for (const g of i.LaunchPermission.Add ?? []) s.add(grantKey(g));
      for (const g of i.LaunchPermission.Remove ?? []) s.delete(grantKey(g));
      inForce.set(i.ImageId, s);
      return {};
    });
}

const AMI = { region: 'us-east-1', imageId: 'ami-0aaa1111bbbb2222c' };

const moveEvent = (account: string, time: string) => ({
  source: 'aws.organizations' as const,
  'detail-type': 'AWS API Call via CloudTrail' as const,
  time,
  detail: {
    eventName: 'MoveAccount',
    eventSource: 'organizations.amazonaws.com',
    requestParameters: { accountId: account },
  },
});

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  configureClients({});
  await dynamo?.stop();
});

beforeEach(async () => {
  const name = `ledger-org-${table++}`;
  await createLedgerTable(localLedgerClient(dynamo.endpoint), name);
  process.env.LEDGER_TABLE = name;
  process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
  forgetOrganization();
  parents = {
    '200000000001': DEV,
    [NEWCOMER]: STG,
    '111122223333': PRD1, // excluded from prod
    [LEAVER]: PRD1,
    '777788889999': PRD2,
  };
  answerOrganizations();
  // Version 1.0.0/3 is promoted to prod; prod grants 444455556666 by id (its OU holds the excluded account) and prd00002.
  inForce = new Map([[AMI.imageId, new Set([LEAVER, ouArn(PRD2)])]]);
  answerEc2(false);
  await recordOutcome({
    image: 'base',
    version: '1.0.0/3',
    channel: 'prod',
    outcome: 'promoted',
    reason: 'passed every gate',
    by: 'goldsmith',
    at: '2027-01-01T00:00:00Z',
    amis: [AMI],
  });
  await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-02T00:00:00Z' });
});

describe('organization-sync re-grants what an organization change alters', () => {
  it('a re-grant that fails once is done by the retried event: the new tree is held only after it succeeded', async () => {
    // The organization's admin moves 444455556666 out of prod (into dev): prod must stop granting it by id.
    parents[LEAVER] = DEV;
    answerOrganizations();
    answerEc2(true); // one transient EC2 failure during the re-grant
    await expect(syncOrganization(moveEvent(LEAVER, '2027-01-02T10:00:00Z'))).rejects.toThrow();
    expect(inForce.get(AMI.imageId)).toContain(LEAVER);

    answerEc2(false);
    const retry = await syncOrganization(moveEvent(LEAVER, '2027-01-02T10:00:00Z'));
    expect(retry.regrant.versions).toBe(1);
    expect(inForce.get(AMI.imageId)).not.toContain(LEAVER);
    // Once held, the same event again changes nothing and re-grants nothing.
    const again = await syncOrganization(moveEvent(LEAVER, '2027-01-02T10:00:00Z'));
    expect(again).toMatchObject({ itemsChanged: 0, regrant: { versions: 0 } });
  });

  it('two events in the same second: the second re-grant reads the tree the first wrote', async () => {
    parents[NEWCOMER] = PRD1;
    answerOrganizations();
    const first = await syncOrganization(moveEvent(NEWCOMER, '2027-01-02T12:00:00Z'));
    expect(first.regrant.versions).toBe(1);
    expect(inForce.get(AMI.imageId)).toContain(NEWCOMER);
    parents[LEAVER] = DEV;
    answerOrganizations();
    await syncOrganization(moveEvent(LEAVER, '2027-01-02T12:00:00Z'));
    expect(inForce.get(AMI.imageId)).not.toContain(LEAVER);
    expect(inForce.get(AMI.imageId)).toContain(NEWCOMER);
  });

  it('a full read with nothing changed re-grants nothing and makes no EC2 write', async () => {
    const daily = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-03T00:00:00Z' });
    expect(daily).toMatchObject({ read: 'full', itemsChanged: 0, regrant: { versions: 0 } });
    expect(ec2.commandCalls(ModifyImageAttributeCommand)).toHaveLength(0);
  });
});
