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
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { beforeEach } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { recordOutcome } from '../../aws/promotion/promotion-ledger.js';
import { syncOrganization } from '../../functions/organization-sync.js';
import { forgetOrganization } from '../../functions/sharing/channel-targets.js';
import type { LocalDynamo } from '../../local/dynalite.js';
import { createLedgerTable, localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import { catalog } from './promotion-fixtures.js';

/**
 * The organization organization-sync's handler tests run against: Organizations and EC2 answered from plain maps (the
 * tree as Organizations holds it now, and the launch permissions EC2 holds per AMI), the ledger a local DynamoDB.
 * The example catalog's prod targets prd00001 and prd00002 and excludes 111122223333, so prd00001's other accounts
 * are granted prod by account id and prd00002 by its OU.
 */

/**
 * The Organizations and EC2 mocks of the test file that runs: stubbed anew by `answerOrganizations` and `answerEc2`
 * (each file's set-up calls them), not when this module loads, so that a file sharing its worker with others
 * (test/isolation.ts) gets stubs of its own after the previous file's were restored (test/setup-shared-cloud.ts).
 */
export let org: AwsClientStub<OrganizationsClient>;
export let ec2: AwsClientStub<EC2Client>;
const ORG_ARN = 'arn:aws:organizations::999988887777:organization/o-a1b2c3d4e5';
export const ouArn = (id: string) => `arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/${id}`;
export const ROOT = 'r-x1y2';
export const DEV = 'ou-x1y2-dev00001';
export const STG = 'ou-x1y2-stg00001';
export const PRD1 = 'ou-x1y2-prd00001';
export const PRD2 = 'ou-x1y2-prd00002';
/** In prd00001: granted prod by id. */
export const LEAVER = '444455556666';
/** A staging account. */
export const NEWCOMER = '200000000002';
export const AMI = { region: 'us-east-1', imageId: 'ami-0aaa1111bbbb2222c' };

/** What Organizations and EC2 hold now; a test changes it, the mocks read it on each call. */
export const world = {
  /** Account → parent. */
  parents: {} as Record<string, string>,
  /** Parent → its OUs. */
  ous: {} as Record<string, string[]>,
  /** Launch permissions in force per image id. */
  inForce: new Map<string, Set<string>>(),
  /** DescribeImageAttribute fails (EC2 unavailable). */
  failDescribe: false,
  /** The next ModifyImageAttribute takes effect, then its answer is lost (the function times out waiting). */
  loseModifyAnswer: false,
  /** ListParents of this account answers only once `until` settles (a slower read-back). */
  slow: undefined as { account: string; until: Promise<void> } | undefined,
  /** Runs (once) when DescribeImageAttribute is next asked, before EC2 reads what is in force: work done meanwhile. */
  beforeDescribe: undefined as (() => Promise<void>) | undefined,
};

/** Sets what Organizations and EC2 hold, with no fault and no slow read-back (as a test file starts). */
export function setWorld(held: Pick<typeof world, 'ous' | 'parents' | 'inForce'>): void {
  Object.assign(world, held, {
    failDescribe: false,
    loseModifyAnswer: false,
    slow: undefined,
    beforeDescribe: undefined,
  });
}

/** Makes ListParents of `account` wait until the returned function is called. */
export function slowReadBackOf(account: string): () => void {
  let release: () => void = () => {};
  world.slow = { account, until: new Promise<void>((r) => (release = r)) };
  return () => release();
}

export function answerOrganizations(): void {
  org = mockClient(OrganizationsClient);
  org.on(DescribeOrganizationCommand).resolves({ Organization: { Arn: ORG_ARN } });
  org.on(ListRootsCommand).resolves({ Roots: [{ Id: ROOT }] });
  org.on(ListOrganizationalUnitsForParentCommand).callsFake((i: { ParentId: string }) => ({
    OrganizationalUnits: (world.ous[i.ParentId] ?? []).map((id) => ({ Id: id, Arn: ouArn(id), Name: id })),
  }));
  org.on(ListAccountsForParentCommand).callsFake((i: { ParentId: string }) => ({
    Accounts: Object.entries(world.parents)
      .filter(([, p]) => p === i.ParentId)
      .map(([Id]) => ({ Id, State: 'ACTIVE' })),
  }));
  org.on(ListParentsCommand).callsFake(async (i: { ChildId: string }) => {
    if (world.slow?.account === i.ChildId) await world.slow.until;
    if (!world.parents[i.ChildId] && !Object.values(world.ous).some((c) => c.includes(i.ChildId)))
      throw new ChildNotFoundException({ message: `${i.ChildId} not found`, $metadata: {} });
    return { Parents: [{ Id: world.parents[i.ChildId] ?? ROOT, Type: 'ORGANIZATIONAL_UNIT' }] };
  });
  org.on(DescribeAccountCommand).callsFake((i: { AccountId: string }) => ({
    Account: { Id: i.AccountId, State: 'ACTIVE' },
  }));
}

const grantKey = (g: { UserId?: string; OrganizationalUnitArn?: string; OrganizationArn?: string; Group?: string }) =>
  g.UserId ?? g.OrganizationalUnitArn ?? g.OrganizationArn ?? `group:${g.Group}`;

export function answerEc2(): void {
  ec2 = mockClient(EC2Client);
  ec2.on(DescribeImagesCommand).resolves({ Images: [] });
  ec2.on(DescribeImageAttributeCommand).callsFake(async (i: { ImageId: string }) => {
    const meanwhile = world.beforeDescribe;
    world.beforeDescribe = undefined;
    await meanwhile?.();
    if (world.failDescribe)
      throw Object.assign(new Error('We currently do not have sufficient capacity'), {
        name: 'InvalidAMIID.Unavailable',
      });
    return {
      LaunchPermissions: [...(world.inForce.get(i.ImageId) ?? [])].map((k) =>
        /^\d{12}$/.test(k) ? { UserId: k } : k.includes(':ou/') ? { OrganizationalUnitArn: k } : { OrganizationArn: k },
      ),
    };
  });
  ec2
    .on(ModifyImageAttributeCommand)
    .callsFake((i: { ImageId: string; LaunchPermission: { Add?: object[]; Remove?: object[] } }) => {
      const s = world.inForce.get(i.ImageId) ?? new Set<string>();
      for (const g of i.LaunchPermission.Add ?? []) s.add(grantKey(g));
      for (const g of i.LaunchPermission.Remove ?? []) s.delete(grantKey(g));
      world.inForce.set(i.ImageId, s);
      if (world.loseModifyAnswer) {
        world.loseModifyAnswer = false;
        throw Object.assign(new Error('the function timed out before the answer'), { name: 'FunctionTimedOut' });
      }
      return {};
    });
}

/** The launch permissions EC2 holds on the AMI now. */
export const grantsInForce = (): Set<string> => world.inForce.get(AMI.imageId) ?? new Set();

/** Organizations' CloudTrail event of an account moved (where to is read back). */
export const moveEvent = (account: string, time: string) => ({
  source: 'aws.organizations' as const,
  'detail-type': 'AWS API Call via CloudTrail' as const,
  time,
  detail: {
    eventName: 'MoveAccount',
    eventSource: 'organizations.amazonaws.com',
    requestParameters: { accountId: account },
  },
});

let tables = 0;

/**
 * A fresh ledger table and organization: version 1.0.0/3 of base promoted to prod, prod granting LEAVER by id (its OU
 * holds the excluded account) and prd00002 by OU, and the tree held by a first full read.
 */
export async function startOrganization(dynamo: Pick<LocalDynamo, 'endpoint'>): Promise<void> {
  const name = `ledger-org-${tables++}`;
  await createLedgerTable(localLedgerClient(dynamo.endpoint), name);
  process.env.LEDGER_TABLE = name;
  process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
  forgetOrganization();
  setWorld({
    ous: { [ROOT]: [DEV, STG, PRD1, PRD2], [DEV]: [], [STG]: [], [PRD1]: [], [PRD2]: [] },
    parents: {
      '200000000001': DEV,
      [NEWCOMER]: STG,
      '111122223333': PRD1, // excluded from prod
      [LEAVER]: PRD1,
      '777788889999': PRD2,
    },
    inForce: new Map([[AMI.imageId, new Set([LEAVER, ouArn(PRD2)])]]),
  });
  answerOrganizations();
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
}

/**
 * The audit tests' start: a fresh `ledger` table holding base's `versions` as AVAILABLE builds, the catalog (its
 * retry horizon says how long a promotion can be in flight: functions/sharing/in-flight.ts) and the notification
 * topic set, and no organization held from an earlier test.
 */
export async function startAuditLedger(dynamo: Pick<LocalDynamo, 'endpoint'>, versions: readonly string[]) {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
  process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  forgetOrganization();
  for (const version of versions) {
    await documentClient().send(
      new PutCommand({
        TableName: 'ledger',
        Item: { pk: 'IMAGE#base', sk: `BUILD#${version}`, buildVersion: version, status: 'AVAILABLE' },
      }),
    );
  }
}

/** A local DynamoDB for the file's tests, and a fresh ledger and organization (`startOrganization`) before each. */
export function useStartedOrganization(): void {
  const dynamo = useLocalDynamo();
  beforeEach(() => startOrganization(dynamo));
}
