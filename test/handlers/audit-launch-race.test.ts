import {
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  EC2Client,
  type LaunchPermission,
  ModifyImageAttributeCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { queryPrefix } from '../../aws/lifecycle-ledger.js';
import { recordOutcome, recordShareIntent } from '../../aws/promotion-ledger.js';
import { auditLaunchPermissions } from '../../functions/audit/launch-permissions.js';
import { forgetOrganization } from '../../functions/sharing/channel-targets.js';
import { grantVersionTo } from '../../functions/sharing/version-grants.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';

/**
 * The daily audit and a prod promotion of the same version at the same instant, interleaved deterministically: the
 * audit reads the ledger (dev and staging held), then Share grants prod (its intent first, as share.ts does), then
 * the audit's DescribeImageAttribute answers. The audit must not take back what the promotion has just granted.
 */

const ORG_ARN = 'arn:aws:organizations::999988887777:organization/o-x1y2';
const ouArn = (id: string) => `arn:aws:organizations::999988887777:ou/o-x1y2/${id}`;
const ROOT = 'r-x1y2';
const TREE: Record<string, { ous: string[]; accounts: string[] }> = {
  [ROOT]: { ous: ['ou-x1y2-dev00001', 'ou-x1y2-stg00001', 'ou-x1y2-prd00001'], accounts: [] },
  'ou-x1y2-dev00001': { ous: [], accounts: ['200000000001'] },
  'ou-x1y2-stg00001': { ous: [], accounts: ['200000000002'] },
  'ou-x1y2-prd00001': { ous: [], accounts: ['300000000001'] },
};
const ou = (id: string) => ({ ous: [id], accounts: [], accountTags: {}, exclude: { ous: [], accounts: [] } });
const PLAN = {
  image: 'base',
  channels: [
    { name: 'dev', targets: ou('ou-x1y2-dev00001') },
    { name: 'staging', targets: ou('ou-x1y2-stg00001') },
    { name: 'prod', targets: ou('ou-x1y2-prd00001') },
  ],
};
const VERSION = '1.0.0/1';
const AMI = { region: 'us-east-1', imageId: 'ami-0a' };
const STRANGER = '999999999999';
const NOW = new Date('2027-01-18T03:52:00Z');

const dynamo = useLocalDynamo();
const ec2 = mockClient(EC2Client);
const org = mockClient(OrganizationsClient);
const sns = mockClient(SNSClient);

/** The AMI's launch permissions in force, as EC2 holds them (keyed as EC2 names a grantee). */
let inForce: Map<string, LaunchPermission>;
const keyOf = (p: LaunchPermission) => p.UserId ?? p.OrganizationalUnitArn ?? p.OrganizationArn ?? 'all';
const held = () => [...inForce.keys()].sort();

/** Runs `meanwhile` once, when the audit's pass first asks EC2 (after its ledger read), before EC2 answers. */
function interleave(meanwhile: () => Promise<void>): void {
  let pending: (() => Promise<void>) | undefined = meanwhile;
  ec2.on(DescribeImageAttributeCommand).callsFake(async () => {
    const run = pending;
    pending = undefined;
    if (run) await run();
    return { LaunchPermissions: [...inForce.values()] };
  });
}

/** What Share does for prod: its intent, then the grants of every channel held plus prod (not yet recorded). */
async function sharesProd(): Promise<void> {
  await recordShareIntent({ image: 'base', version: VERSION, channel: 'prod', at: NOW.toISOString() });
  await grantVersionTo([AMI], PLAN.channels);
}

const outcome = (channel: string, result: 'promoted' | 'aborted') =>
  recordOutcome({
    image: 'base',
    version: VERSION,
    channel,
    outcome: result,
    reason: result,
    by: 'test',
    at: NOW.toISOString(),
    amis: [AMI],
  });

beforeEach(async () => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  forgetOrganization();
  await documentClient().send(
    new PutCommand({
      TableName: 'ledger',
      Item: { pk: 'IMAGE#base', sk: `BUILD#${VERSION}`, buildVersion: VERSION, status: 'AVAILABLE' },
    }),
  );
  await outcome('dev', 'promoted');
  await outcome('staging', 'promoted');
  inForce = new Map(
    ['ou-x1y2-dev00001', 'ou-x1y2-stg00001'].map((id) => [ouArn(id), { OrganizationalUnitArn: ouArn(id) }]),
  );
  ec2.on(DescribeImageAttributeCommand).callsFake(async () => ({ LaunchPermissions: [...inForce.values()] }));
  ec2
    .on(ModifyImageAttributeCommand)
    .callsFake(async (input: { LaunchPermission: Record<string, LaunchPermission[]> }) => {
      for (const p of input.LaunchPermission.Remove ?? []) inForce.delete(keyOf(p));
      for (const p of input.LaunchPermission.Add ?? []) inForce.set(keyOf(p), p);
      return {};
    });
  ec2.on(DescribeImagesCommand).resolves({ Images: [{ BlockDeviceMappings: [] }] });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  org.on(DescribeOrganizationCommand).resolves({ Organization: { Arn: ORG_ARN } });
  org.on(ListRootsCommand).resolves({ Roots: [{ Id: ROOT }] });
  for (const [parent, node] of Object.entries(TREE)) {
    org
      .on(ListOrganizationalUnitsForParentCommand, { ParentId: parent })
      .resolves({ OrganizationalUnits: node.ous.map((Id) => ({ Id, Arn: ouArn(Id) })) });
    org
      .on(ListAccountsForParentCommand, { ParentId: parent })
      .resolves({ Accounts: node.accounts.map((Id) => ({ Id, Status: 'ACTIVE' as const })) });
  }
});

afterEach(() => {
  for (const m of [ec2, org, sns]) m.reset();
});

const drifts = () => queryPrefix<{ found: string }>('base', 'DRIFT#launch#');
const ALL_THREE = ['ou-x1y2-dev00001', 'ou-x1y2-prd00001', 'ou-x1y2-stg00001'].map(ouArn);

describe('the daily launch-permission audit, racing a promotion of the same version', () => {
  it('leaves in force the prod grants Share made between the audit reading the ledger and reading EC2', async () => {
    interleave(sharesProd);

    const part = await auditLaunchPermissions([PLAN], NOW);

    expect(held()).toEqual(ALL_THREE);
    expect(part.findings).toEqual([]);
    expect(part.failures).toEqual([]);
    expect(await drifts()).toEqual([]);
  });

  it('leaves them in force when the promotion also recorded its outcome before EC2 answered', async () => {
    interleave(async () => {
      await sharesProd();
      await outcome('prod', 'promoted');
    });

    const part = await auditLaunchPermissions([PLAN], NOW);

    expect(held()).toEqual(ALL_THREE);
    expect(part.findings).toEqual([]);
  });

  it("still withdraws an outsider's grant to an account no channel targets, keeping the promotion's", async () => {
    interleave(async () => {
      await sharesProd();
      inForce.set(STRANGER, { UserId: STRANGER });
    });

    const part = await auditLaunchPermissions([PLAN], NOW);

    expect(held()).toEqual(ALL_THREE);
    expect(part.findings).toEqual([
      expect.objectContaining({
        found: `ami-0a granted to account ${STRANGER}`,
        action: `put back: withdrew account ${STRANGER}; EC2 confirms it`,
        repaired: true,
      }),
    ]);
  });

  it('withdraws grants of a promotion that began and then was aborted, on the first audit after its outcome', async () => {
    await sharesProd();
    await outcome('prod', 'aborted');

    const part = await auditLaunchPermissions([PLAN], NOW);

    expect(held()).toEqual(ALL_THREE.filter((arn) => !arn.endsWith('prd00001')));
    expect(part.findings).toEqual([
      expect.objectContaining({ found: 'ami-0a granted to OU ou-x1y2-prd00001', repaired: true }),
    ]);
  });
});
