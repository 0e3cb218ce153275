import {
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  EC2Client,
  ModifyImageAttributeCommand,
} from '@aws-sdk/client-ec2';
import {
  ChildNotFoundException,
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { configureClients } from '../../aws/clients.js';
import { recordOutcome } from '../../aws/promotion-ledger.js';
import { metricNames } from '../../core/observability/metrics.js';
import { metrics } from '../../functions/lib/powertools.js';
import { syncOrganization } from '../../functions/organization-sync.js';
import { forgetOrganization } from '../../functions/sharing/channel-targets.js';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynalite.js';
import { catalog } from '../handlers/promotion-fixtures.js';
import { createLedgerTable, localLedgerClient } from '../helpers/ledger-table.js';

/**
 * organization-sync against itself and against an organization that no longer has what the catalog names: two
 * Organizations events handled at once (EventBridge invokes the function asynchronously, so two changes seconds apart
 * run side by side), and an OU deleted while a channel still names it. Organizations and EC2 are answered from plain
 * maps (what EC2 holds in force per AMI), the ledger is a local DynamoDB.
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
const LEAVER = '444455556666';
const NEWCOMER = '200000000002';
let OUS: Record<string, string[]>;
let parents: Record<string, string>;
let inForce: Map<string, Set<string>>;
let dynamo: LocalDynamo;
let tableNo = 0;
/** Holds NEWCOMER's ListParents until released: the second invocation is simply a little slower. */
let releaseNewcomer: () => void = () => {};
let newcomerGate: Promise<void> = Promise.resolve();

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
  org.on(ListParentsCommand).callsFake(async (i: { ChildId: string }) => {
    if (i.ChildId === NEWCOMER) await newcomerGate;
    if (!parents[i.ChildId] && !Object.values(OUS).some((c) => c.includes(i.ChildId)))
      throw new ChildNotFoundException({ message: `${i.ChildId} not found`, $metadata: {} });
    return { Parents: [{ Id: parents[i.ChildId] ?? ROOT, Type: 'ORGANIZATIONAL_UNIT' }] };
  });
  org
    .on(DescribeAccountCommand)
    .callsFake((i: { AccountId: string }) => ({ Account: { Id: i.AccountId, State: 'ACTIVE' } }));
}
const grantKey = (g: { UserId?: string; OrganizationalUnitArn?: string; OrganizationArn?: string }) =>
  g.UserId ?? g.OrganizationalUnitArn ?? g.OrganizationArn ?? '';
function answerEc2() {
  ec2.reset();
  ec2.on(DescribeImagesCommand).resolves({ Images: [] });
  ec2.on(DescribeImageAttributeCommand).callsFake((i: { ImageId: string }) => ({
    LaunchPermissions: [...(inForce.get(i.ImageId) ?? [])].map((k) =>
      /^\d{12}$/.test(k) ? { UserId: k } : k.includes(':ou/') ? { OrganizationalUnitArn: k } : { OrganizationArn: k },
    ),
  }));
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
  const name = `ledger-attack-org-${tableNo++}`;
  await createLedgerTable(localLedgerClient(dynamo.endpoint), name);
  process.env.LEDGER_TABLE = name;
  process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
  forgetOrganization();
  OUS = { [ROOT]: [DEV, STG, PRD1, PRD2], [DEV]: [], [STG]: [], [PRD1]: [], [PRD2]: [] };
  parents = { '200000000001': DEV, [NEWCOMER]: STG, '111122223333': PRD1, [LEAVER]: PRD1, '777788889999': PRD2 };
  answerOrganizations();
  inForce = new Map([[AMI.imageId, new Set([LEAVER, ouArn(PRD2)])]]);
  answerEc2();
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

describe('a Share that granted by the tree as it was just before a change', () => {
  it('is brought in line by the next full read, which re-grants every channel only after a change', async () => {
    // LEAVER moves out of prd00001 at noon: the sync withdraws its by-id prod grant.
    parents[LEAVER] = DEV;
    answerOrganizations();
    await syncOrganization(moveEvent(LEAVER, '2027-01-02T12:00:00Z'));
    expect(inForce.get(AMI.imageId)).not.toContain(LEAVER);
    // A Share that had read the tree before the move grants by it after the sync: LEAVER is back.
    inForce.get(AMI.imageId)?.add(LEAVER);

    const first = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-03T00:00:00Z' });
    expect(first.regrant.channels).toEqual(['dev', 'staging', 'prod']);
    expect(inForce.get(AMI.imageId)).not.toContain(LEAVER);

    // The change was not within the hour before that read, so the next day's read re-grants nothing.
    const next = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-04T00:00:00Z' });
    expect(next.regrant).toEqual({ channels: [], versions: 0, modifyImageAttribute: 0 });
  });

  it('re-grants on the second full read too when the change came within the hour before the first', async () => {
    parents[LEAVER] = DEV;
    answerOrganizations();
    await syncOrganization(moveEvent(LEAVER, '2027-01-02T23:30:00Z'));
    await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-03T00:00:00Z' });
    // The late Share's grant lands after that read.
    inForce.get(AMI.imageId)?.add(LEAVER);

    const second = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-04T00:00:00Z' });
    expect(second.regrant.versions).toBe(1);
    expect(inForce.get(AMI.imageId)).not.toContain(LEAVER);
  });

  it('still re-grants at the next daily read when an event made a full read after the change', async () => {
    parents[LEAVER] = DEV;
    answerOrganizations();
    await syncOrganization(moveEvent(LEAVER, '2027-01-02T10:00:00Z'));
    inForce.get(AMI.imageId)?.add(LEAVER); // the late Share
    // An invitation names no account Goldsmith can read back: a full read, which finds nothing new to hold.
    const invited = await syncOrganization({
      source: 'aws.organizations',
      'detail-type': 'AWS API Call via CloudTrail',
      time: '2027-01-02T14:00:00Z',
      detail: { eventName: 'InviteAccountToOrganization', eventSource: 'organizations.amazonaws.com' },
    });
    expect(invited).toMatchObject({ read: 'full', itemsChanged: 0 });

    const daily = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-03T00:00:00Z' });
    expect(daily.regrant.versions).toBe(1);
    expect(inForce.get(AMI.imageId)).not.toContain(LEAVER);
  });

  it('re-grants after a full read that itself found the tree changed (an event lost)', async () => {
    parents[LEAVER] = DEV; // the MoveAccount event never arrives
    answerOrganizations();
    const counted = vi.spyOn(metrics, 'addMetric');
    const found = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-03T00:00:00Z' });
    expect(found.itemsChanged).toBeGreaterThan(0);
    // What no event brought is counted, for the alarm that says events are lost or do not arrive.
    expect(counted).toHaveBeenCalledWith(metricNames.organizationChangesMissed, 'Count', found.itemsChanged);
    counted.mockRestore();
    inForce.get(AMI.imageId)?.add(LEAVER); // a Share that read the tree before that read

    const next = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-04T00:00:00Z' });
    expect(next.regrant.versions).toBe(1);
    expect(inForce.get(AMI.imageId)).not.toContain(LEAVER);
  });
});

describe('organization-sync side by side with itself', () => {
  it('an account moved out of prod while another moves in loses its by-id launch permission, whichever run ends last', async () => {
    // The admin moves LEAVER out of prd00001 (prod must stop granting it by id) and NEWCOMER into prd00001, seconds apart.
    parents[LEAVER] = DEV;
    parents[NEWCOMER] = PRD1;
    answerOrganizations();
    newcomerGate = new Promise((r) => {
      releaseNewcomer = r;
    });
    // Both invocations start (EventBridge invokes them concurrently); NEWCOMER's read back is a little slower.
    const second = syncOrganization(moveEvent(NEWCOMER, '2027-01-02T12:00:01Z'));
    const first = syncOrganization(moveEvent(LEAVER, '2027-01-02T12:00:00Z'));
    await first;
    expect(inForce.get(AMI.imageId)).not.toContain(LEAVER); // withdrawn by the first
    releaseNewcomer();
    // The run that lost re-grants every channel from the tree held then, not only the one its own change alters.
    expect((await second).regrant.channels).toEqual(['dev', 'staging', 'prod']);
    // Right once both runs end, not only after the next full read.
    expect(inForce.get(AMI.imageId)).not.toContain(LEAVER);
    expect(inForce.get(AMI.imageId)).toContain(NEWCOMER);
  });

  it('the account moved into prod keeps its launch permission when the run that moved the other ends last', async () => {
    parents[LEAVER] = DEV;
    parents[NEWCOMER] = PRD1;
    answerOrganizations();
    // This time LEAVER's read back is the slow one.
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    org.on(ListParentsCommand).callsFake(async (i: { ChildId: string }) => {
      if (i.ChildId === LEAVER) await gate;
      return { Parents: [{ Id: parents[i.ChildId], Type: 'ORGANIZATIONAL_UNIT' }] };
    });
    const slow = syncOrganization(moveEvent(LEAVER, '2027-01-02T12:00:00Z'));
    await syncOrganization(moveEvent(NEWCOMER, '2027-01-02T12:00:01Z'));
    expect(inForce.get(AMI.imageId)).toContain(NEWCOMER);
    release();
    await slow;
    // Right once both runs end, not only after the next full read.
    expect(inForce.get(AMI.imageId)).toContain(NEWCOMER);
    expect(inForce.get(AMI.imageId)).not.toContain(LEAVER);
  });
});

const ouEvent = (eventName: string, ou: string, time: string) => ({
  source: 'aws.organizations' as const,
  'detail-type': 'AWS API Call via CloudTrail' as const,
  time,
  detail: { eventName, eventSource: 'organizations.amazonaws.com', requestParameters: { organizationalUnitId: ou } },
});

/**
 * The organization's admin empties and deletes the staging OU while the catalog's `staging` channel still names it: the
 * re-grant leaves the deleted OU out (it reaches no account) instead of failing, so the tree is held and the daily
 * full read still catches a lost event.
 */ it('an OU deleted while a channel names it stops neither the sync nor the daily full read', async () => {
  await recordOutcome({
    image: 'base',
    version: '1.0.0/3',
    channel: 'staging',
    outcome: 'promoted',
    reason: 'passed every gate',
    by: 'goldsmith',
    at: '2027-01-01T00:00:00Z',
    amis: [AMI],
  });
  // Staging is emptied and deleted.
  parents[NEWCOMER] = DEV;
  OUS[ROOT] = [DEV, PRD1, PRD2];
  delete OUS[STG];
  answerOrganizations();
  await syncOrganization(moveEvent(NEWCOMER, '2027-01-02T11:00:00Z'));
  const deleted = await syncOrganization(ouEvent('DeleteOrganizationalUnit', STG, '2027-01-02T11:01:00Z'));
  expect(deleted.itemsChanged).toBeGreaterThan(0);
  // Later: LEAVER moved out of prd00001 (prod must stop granting it by id); CloudTrail loses that event, which the
  // daily full read exists to catch "within a day".
  parents[LEAVER] = DEV;
  answerOrganizations();
  const daily = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-03T00:00:00Z' }).then(
    () => 'ok',
    (e: Error) => e.message,
  );
  expect(daily).toBe('ok');
  expect(inForce.get(AMI.imageId)).not.toContain(LEAVER);
});
