import {
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeSnapshotAttributeCommand,
  EC2Client,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountSetHash } from '../../core/sharing/targets.js';
import { recordFailureOutcome } from '../../functions/promotion/record-outcome.js';
import { share } from '../../functions/promotion/share.js';
import { forgetOrganization } from '../../functions/sharing/channel-targets.js';
import { applyLaunchGrants } from '../../functions/sharing/launch-grants.js';
import { mockClient } from '../helpers/mock-client.js';
import { AMIS, catalog, channelItem, ledgerFactsAnswer } from './promotion-fixtures.js';

const ddb = mockClient(DynamoDBDocumentClient);
const ec2 = mockClient(EC2Client);
const org = mockClient(OrganizationsClient);
const sns = mockClient(SNSClient);

const ORG_ARN = 'arn:aws:organizations::999988887777:organization/o-a1b2c3d4e5';
const ouArn = (id: string) => `arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/${id}`;
const ROOT = 'r-x1y2';
// dev and staging: one OU each; prod: prd00001 holds the excluded 111122223333, prd00002 has a nested OU.
const TREE: Record<string, { ous: string[]; accounts: { Id: string; State: 'ACTIVE' | 'SUSPENDED' }[] }> = {
  [ROOT]: {
    ous: ['ou-x1y2-dev00001', 'ou-x1y2-stg00001', 'ou-x1y2-prd00001', 'ou-x1y2-prd00002'],
    accounts: [{ Id: '555566667777', State: 'SUSPENDED' }],
  },
  'ou-x1y2-dev00001': { ous: [], accounts: [{ Id: '200000000001', State: 'ACTIVE' }] },
  'ou-x1y2-stg00001': { ous: [], accounts: [{ Id: '200000000002', State: 'ACTIVE' }] },
  'ou-x1y2-prd00001': {
    ous: [],
    accounts: [
      { Id: '111122223333', State: 'ACTIVE' },
      { Id: '444455556666', State: 'ACTIVE' },
    ],
  },
  'ou-x1y2-prd00002': { ous: ['ou-x1y2-prd00003'], accounts: [] },
  'ou-x1y2-prd00003': { ous: [], accounts: [{ Id: '777788889999', State: 'ACTIVE' }] },
};

/** A catalog whose dev channel's targets also carry `extra`: Share takes the catalog's targets, never its input's. */
function devTargets(extra: Record<string, unknown>): void {
  process.env.GOLDSMITH_CATALOG = JSON.stringify({
    ...catalog,
    channels: catalog.channels.map((c) => (c.name === 'dev' ? { ...c, targets: { ...c.targets, ...extra } } : c)),
  });
}

const promoted = (...channels: string[]) =>
  ddb.on(QueryCommand).resolves({ Items: channels.map((channel) => ({ channel, outcome: 'promoted' })) });

beforeEach(() => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
  process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
  forgetOrganization();
  ddb.on(PutCommand).resolves({});
  ddb.on(GetCommand).resolves({});
  // What LoadImage recorded of the build, which RecordOutcome regrants (never its input's AMIs).
  ddb.on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/3' } }).resolves({ Item: { loaded: { amis: AMIS } } });
  ddb.on(BatchGetCommand).callsFake(ledgerFactsAnswer());
  promoted();
  sns.on(PublishCommand).resolves({});
  org.on(DescribeOrganizationCommand).resolves({ Organization: { Arn: ORG_ARN } });
  org.on(ListRootsCommand).resolves({ Roots: [{ Id: ROOT }] });
  for (const [parent, node] of Object.entries(TREE)) {
    org
      .on(ListOrganizationalUnitsForParentCommand, { ParentId: parent })
      .resolves({ OrganizationalUnits: node.ous.map((Id) => ({ Id, Arn: ouArn(Id) })) });
    org.on(ListAccountsForParentCommand, { ParentId: parent }).resolves({ Accounts: node.accounts });
  }
  ec2.on(DescribeImageAttributeCommand).resolves({ LaunchPermissions: [] });
  ec2.on(DescribeImagesCommand).resolves({
    Images: [{ BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-0123456789abcdef0' } }] }],
  });
  ec2.on(DescribeSnapshotAttributeCommand).resolves({ CreateVolumePermissions: [] });
  ec2.on(ModifyImageAttributeCommand).resolves({});
  ec2.on(ModifySnapshotAttributeCommand).resolves({});
});

afterEach(() => {
  for (const m of [ddb, ec2, org, sns]) m.reset();
});

describe('share', () => {
  it('grants the channel OU in every region with one ModifyImageAttribute call each', async () => {
    const result = await share(channelItem('dev'));

    for (const ami of AMIS) {
      expect(ec2).toHaveReceivedCommandWith(ModifyImageAttributeCommand, {
        ImageId: ami.imageId,
        LaunchPermission: { Add: [{ OrganizationalUnitArn: ouArn('ou-x1y2-dev00001') }] },
      });
    }
    expect(ec2).toHaveReceivedCommandTimes(ModifyImageAttributeCommand, 2);
    expect(ec2).not.toHaveReceivedCommand(ModifySnapshotAttributeCommand);
    expect(result).toEqual({
      regions: ['us-east-1', 'eu-west-1'],
      targets: { ous: 1, accounts: 1, tags: 0, grants: 1 },
      calls: { modifyImageAttribute: 2, modifySnapshotAttribute: 0 },
    });
  });

  it('adds prod to what dev and staging hold, descending around the excluded account to account ids', async () => {
    promoted('dev', 'staging');
    ec2.on(DescribeImageAttributeCommand).resolves({
      LaunchPermissions: [
        { OrganizationalUnitArn: ouArn('ou-x1y2-dev00001') },
        { OrganizationalUnitArn: ouArn('ou-x1y2-stg00001') },
      ],
    });

    await share(channelItem('prod'));

    expect(ec2).toHaveReceivedCommandWith(ModifyImageAttributeCommand, {
      ImageId: AMIS[0]!.imageId,
      LaunchPermission: {
        Add: [{ UserId: '444455556666' }, { OrganizationalUnitArn: ouArn('ou-x1y2-prd00002') }],
      },
    });
    expect(ec2).toHaveReceivedCommandTimes(ModifyImageAttributeCommand, 2);
  });

  it('records counts and the resolved set hash, not the account ids', async () => {
    promoted('dev', 'staging');

    await share(channelItem('prod'));

    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        sk: 'SHARE#1.0.0/3#prod',
        kind: 'share',
        counts: { ous: 2, accounts: 2, tags: 0, grants: 2, skipped: 0 },
        accountsHash: accountSetHash(['444455556666', '777788889999']),
      }),
    });
  });

  it('records its intent before its first ModifyImageAttribute, and its decision after the last', async () => {
    promoted('dev', 'staging');
    const order: string[] = [];
    ddb.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
      order.push(input.Item.sk);
      return {};
    });
    ec2.on(ModifyImageAttributeCommand).callsFake((input: { ImageId: string }) => {
      order.push(`grant ${input.ImageId}`);
      return {};
    });

    await share(channelItem('prod'));

    // Regions are granted in parallel: between the two records, in either order.
    expect(order[0]).toBe('SHARING#1.0.0/3#prod');
    expect(order.slice(1, -1).sort()).toEqual(AMIS.map((a) => `grant ${a.imageId}`).sort());
    expect(order.at(-1)).toBe('SHARE#1.0.0/3#prod');
  });

  it('makes no change on a retry that finds the grants in force', async () => {
    ec2.on(DescribeImageAttributeCommand).resolves({
      LaunchPermissions: [{ OrganizationalUnitArn: ouArn('ou-x1y2-dev00001') }],
    });

    const result = await share(channelItem('dev'));

    expect(ec2).not.toHaveReceivedCommand(ModifyImageAttributeCommand);
    expect(result).toMatchObject({ calls: { modifyImageAttribute: 0, modifySnapshotAttribute: 0 } });
  });

  it('removes a grant in force that no held channel gives (an account that left the OU, a stray share)', async () => {
    ec2.on(DescribeImageAttributeCommand).resolves({
      LaunchPermissions: [{ OrganizationalUnitArn: ouArn('ou-x1y2-dev00001') }, { UserId: '123412341234' }],
    });

    await share(channelItem('dev'));

    expect(ec2).toHaveReceivedCommandWith(ModifyImageAttributeCommand, {
      ImageId: AMIS[1]!.imageId,
      LaunchPermission: { Remove: [{ UserId: '123412341234' }] },
    });
  });

  it('skips a named account that is suspended, and says so in the ledger', async () => {
    devTargets({ accounts: ['555566667777'] });
    const item = channelItem('dev');

    const result = await share(item);

    expect(result.targets.accounts).toBe(1);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        skipped: [{ account: '555566667777', reason: 'channels.dev.targets.accounts 555566667777: suspended' }],
      }),
    });
  });

  it('shares the snapshots with account ids when the channel allows copying', async () => {
    devTargets({ allowCopy: true });
    const item = channelItem('dev');

    await share(item);

    expect(ec2).toHaveReceivedCommandWith(ModifySnapshotAttributeCommand, {
      SnapshotId: 'snap-0123456789abcdef0',
      Attribute: 'createVolumePermission',
      CreateVolumePermission: { Add: [{ UserId: '200000000001' }] },
    });
  });

  it('fails naming the field when the channel targets an OU the organization does not have', async () => {
    devTargets({ ous: ['ou-x1y2-gone0001'] });
    const item = channelItem('dev');

    await expect(share(item)).rejects.toThrow('channels.dev.targets.ous: ou-x1y2-gone0001 is not an OU');
    expect(ec2).not.toHaveReceivedCommand(ModifyImageAttributeCommand);
  });
});

describe('recordFailureOutcome and grants', () => {
  it('takes back the grants a channel got before it failed, keeping the channels still held', async () => {
    promoted('dev', 'staging');
    ec2.on(DescribeImageAttributeCommand).resolves({
      LaunchPermissions: [
        { OrganizationalUnitArn: ouArn('ou-x1y2-dev00001') },
        { OrganizationalUnitArn: ouArn('ou-x1y2-stg00001') },
        { UserId: '444455556666' },
        { OrganizationalUnitArn: ouArn('ou-x1y2-prd00002') },
      ],
    });

    await recordFailureOutcome({ ...channelItem('prod'), failure: { Error: 'Superseded', Cause: 'newer build' } });

    expect(ec2).toHaveReceivedCommandWith(ModifyImageAttributeCommand, {
      ImageId: AMIS[0]!.imageId,
      LaunchPermission: {
        Remove: [{ UserId: '444455556666' }, { OrganizationalUnitArn: ouArn('ou-x1y2-prd00002') }],
      },
    });
  });

  it("takes back prod's grants from a version held at Publish (flagged after Gate), recording it aborted with the hold", async () => {
    promoted('dev', 'staging');
    ec2.on(DescribeImageAttributeCommand).resolves({
      LaunchPermissions: [
        { OrganizationalUnitArn: ouArn('ou-x1y2-dev00001') },
        { OrganizationalUnitArn: ouArn('ou-x1y2-stg00001') },
        { UserId: '444455556666' },
        { OrganizationalUnitArn: ouArn('ou-x1y2-prd00002') },
      ],
    });
    const hold = 'built on revoked base 1.0.0/2: held, it passes no further gate, soak check or approval';

    const decided = await recordFailureOutcome({
      ...channelItem('prod'),
      failure: { Error: 'BuiltOnRevoked', Cause: JSON.stringify({ errorMessage: hold }) },
    });

    expect(decided).toEqual({ outcome: 'aborted', reason: hold, channel: 'prod' });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ sk: 'PROMOTION#1.0.0/3#prod', outcome: 'aborted', reason: hold }),
    });
    expect(ec2).toHaveReceivedCommandWith(ModifyImageAttributeCommand, {
      ImageId: AMIS[0]!.imageId,
      LaunchPermission: {
        Remove: [{ UserId: '444455556666' }, { OrganizationalUnitArn: ouArn('ou-x1y2-prd00002') }],
      },
    });
  });

  it('takes every grant back when the version was revoked while its promotion waited (an approval expiring after)', async () => {
    promoted('dev', 'staging');
    ddb
      .on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/3' } })
      .resolves({ Item: { state: 'revoked', reason: 'CVE-2027-0001' } });
    ec2.on(DescribeImageAttributeCommand).resolves({
      LaunchPermissions: [{ OrganizationalUnitArn: ouArn('ou-x1y2-dev00001') }],
    });

    await recordFailureOutcome({ ...channelItem('prod'), failure: { Error: 'ApprovalExpired', Cause: 'timed out' } });

    expect(ec2).toHaveReceivedCommandWith(ModifyImageAttributeCommand, {
      ImageId: AMIS[0]!.imageId,
      LaunchPermission: { Remove: [{ OrganizationalUnitArn: ouArn('ou-x1y2-dev00001') }] },
    });
    expect(ec2).not.toHaveReceivedCommandWith(ModifyImageAttributeCommand, {
      LaunchPermission: { Add: [{ OrganizationalUnitArn: ouArn('ou-x1y2-stg00001') }] },
    });
  });

  describe('the withdrawal history tells', () => {
    const HELD = [
      { OrganizationalUnitArn: ouArn('ou-x1y2-dev00001') },
      { OrganizationalUnitArn: ouArn('ou-x1y2-stg00001') },
    ];
    const PROD = [{ UserId: '444455556666' }, { OrganizationalUnitArn: ouArn('ou-x1y2-prd00002') }];
    const abortAtProd = () =>
      recordFailureOutcome({
        ...channelItem('prod'),
        failure: { Error: 'BuiltOnRevoked', Cause: JSON.stringify({ errorMessage: 'built on revoked base 1.0.0/2' }) },
      });

    beforeEach(() => {
      promoted('dev', 'staging');
      ddb.on(UpdateCommand).resolves({});
      ddb.on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'SHARE#1.0.0/3#prod' } }).resolves({
        Item: { regions: ['us-east-1', 'eu-west-1'], counts: { ous: 1, accounts: 1, tags: 0, grants: 2, skipped: 0 } },
      });
    });

    it("records prod's grants withdrawn once EC2 is read back holding only dev's and staging's", async () => {
      // Each AMI's first read finds prod's grants; the read after the change finds them gone.
      let reads = 0;
      ec2.on(DescribeImageAttributeCommand).callsFake(() => ({
        LaunchPermissions: reads++ < AMIS.length ? [...HELD, ...PROD] : HELD,
      }));

      await abortAtProd();

      expect(ec2).toHaveReceivedCommandTimes(DescribeImageAttributeCommand, AMIS.length * 2);
      expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
        Key: { pk: 'IMAGE#base', sk: 'PROMOTION#1.0.0/3#prod' },
        ExpressionAttributeValues: {
          ':withdrawn': expect.objectContaining({
            regions: ['us-east-1', 'eu-west-1'],
            ous: 1,
            accounts: 1,
            kept: ['dev', 'staging'],
          }),
        },
      });
    });

    it('records no withdrawal while EC2 still lists a prod grant', async () => {
      ec2.on(DescribeImageAttributeCommand).resolves({ LaunchPermissions: [...HELD, ...PROD] });

      await abortAtProd();

      expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, {
        Key: { pk: 'IMAGE#base', sk: 'PROMOTION#1.0.0/3#prod' },
      });
    });
  });

  it('reads but changes nothing when the failed channel was never shared', async () => {
    await recordFailureOutcome({ ...channelItem('dev'), failure: { Error: 'GateRejected', Cause: 'findings' } });

    expect(ec2).toHaveReceivedCommandTimes(DescribeImageAttributeCommand, 2);
    expect(ec2).not.toHaveReceivedCommand(ModifyImageAttributeCommand);
    expect(org).not.toHaveReceivedCommand(ListRootsCommand);
  });
});

describe('applyLaunchGrants', () => {
  it('removes every grant and every copy permission when nothing is wanted (revocation)', async () => {
    ec2.on(DescribeImageAttributeCommand).resolves({ LaunchPermissions: [{ OrganizationArn: ORG_ARN }] });
    ec2.on(DescribeSnapshotAttributeCommand).resolves({ CreateVolumePermissions: [{ UserId: '200000000001' }] });

    const applied = await applyLaunchGrants([
      { region: 'us-east-1', imageId: AMIS[0]!.imageId, grants: [], copyAccounts: [] },
    ]);

    expect(ec2).toHaveReceivedCommandWith(ModifyImageAttributeCommand, {
      ImageId: AMIS[0]!.imageId,
      LaunchPermission: { Remove: [{ OrganizationArn: ORG_ARN }] },
    });
    expect(ec2).toHaveReceivedCommandWith(ModifySnapshotAttributeCommand, {
      SnapshotId: 'snap-0123456789abcdef0',
      CreateVolumePermission: { Remove: [{ UserId: '200000000001' }] },
    });
    expect(applied).toEqual([
      { region: 'us-east-1', imageId: AMIS[0]!.imageId, added: 0, removed: 1, imageCalls: 1, snapshotCalls: 1 },
    ]);
  });

  it('keeps the copy permission of a promotion in flight where it is in force and never adds it', async () => {
    ec2.on(DescribeImageAttributeCommand).resolves({ LaunchPermissions: [] });
    // 200000000002 (a channel Share has begun) may copy already; 200000000003 (another in flight) may not.
    ec2.on(DescribeSnapshotAttributeCommand).resolves({ CreateVolumePermissions: [{ UserId: '200000000002' }] });

    await applyLaunchGrants([
      {
        region: 'us-east-1',
        imageId: AMIS[0]!.imageId,
        grants: [],
        copyAccounts: ['200000000001'],
        copyKept: ['200000000002', '200000000003'],
      },
    ]);

    const snapshotCalls = ec2.commandCalls(ModifySnapshotAttributeCommand).map((c) => c.args[0].input);
    expect(snapshotCalls).toEqual([
      {
        Attribute: 'createVolumePermission',
        SnapshotId: 'snap-0123456789abcdef0',
        CreateVolumePermission: { Add: [{ UserId: '200000000001' }] },
      },
    ]);
  });
});
