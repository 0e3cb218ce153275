import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { KEY_GRANTS_PK, keyGrantsSk } from '../../core/audit/key-grants.js';
import { accountItem, ouItem, stateItem } from '../../core/sharing/held-organization.js';
import type { OrgTree } from '../../core/sharing/targets.js';
import { auditKeyGrants } from '../../functions/key-grants.js';
import { VirtualClock } from '../../local/clock.js';
import { installFakes, type LocalFakes } from '../../local/fakes/install.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { catalog } from './promotion-fixtures.js';

/**
 * The AMI key grants auditor (functions/key-grants.ts) against the local KMS, SNS and a ledger in dynalite: every
 * grant counted per Region through ListGrants' pages, the count kept and read back, the Region near the quota and
 * the accounts above their share announced by name, and the member baseline's grants of accounts the key no longer
 * serves revoked — once.
 */

const FACTORY = '111122223333';
const KEY_ID = 'mrk-0123456789abcdef0123456789abcdef';
const KEY_ARN = `arn:aws:kms:us-east-1:${FACTORY}:key/${KEY_ID}`;
const TOPIC = `arn:aws:sns:us-east-1:${FACTORY}:goldsmith-test-notifications`;
const DEV = 'ou-x1y2-dev00001';
const STG = 'ou-x1y2-stg00001';
const SANDBOX = 'ou-x1y2-sbx00001';
const STAYER = '200000000001';
const BIG = '200000000002';
const MOVED = '300000000003';
const LEAVER = '444455556666';
/** In the development OU as Organizations holds it, with its baseline grant, before organization-sync read it. */
const JOINER = '200000000009';
const NOW = new Date('2027-02-01T06:00:00Z');

const dynamo = useLocalDynamo();
let fakes: LocalFakes;
let calls: Record<string, number>;

const tree: OrgTree = {
  organizationArn: 'arn:aws:organizations::999988887777:organization/o-a1b2c3d4e5',
  rootId: 'r-x1y2',
  ous: new Map([
    [DEV, { arn: `arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/${DEV}`, parentId: 'r-x1y2' }],
    [STG, { arn: `arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/${STG}`, parentId: 'r-x1y2' }],
    [SANDBOX, { arn: `arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/${SANDBOX}`, parentId: 'r-x1y2' }],
  ]),
  accounts: new Map([
    [STAYER, { parentId: DEV, state: 'ACTIVE' }],
    [BIG, { parentId: STG, state: 'ACTIVE' }],
    [MOVED, { parentId: SANDBOX, state: 'ACTIVE' }],
  ]),
  tagsRead: false,
};

const autoScalingRole = (account: string) =>
  `arn:aws:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;

/** A grant `account` creates on the key in `region` (the key policy of this test lets anyone). */
function grant(region: string, account: string, grantee: string, name?: string): string {
  return fakes.kms.createGrant(
    region,
    KEY_ID,
    { account, principalArn: `arn:aws:iam::${account}:role/admin`, identityAllows: true },
    { granteePrincipal: grantee, operations: ['Decrypt'], ...(name ? { name } : {}) },
  );
}

const announced = () =>
  fakes.sns.messages.map((m) => JSON.parse(m.message) as { event: string; detail: Record<string, unknown> });

beforeEach(async () => {
  // Organizations as AWS holds it: the ledger's copy (`tree`) and the joiner it has not read yet.
  const organization = {
    organizationId: 'o-a1b2c3d4e5',
    managementAccountId: '999988887777',
    rootId: 'r-x1y2',
    ous: [
      { id: DEV, accounts: [{ id: STAYER }, { id: JOINER }] },
      { id: STG, accounts: [{ id: BIG }] },
      { id: SANDBOX, accounts: [{ id: MOVED }] },
    ],
  };
  const installed = installFakes({
    clock: new VirtualClock(NOW.toISOString()),
    accountId: FACTORY,
    topics: [TOPIC],
    organization,
  });
  fakes = installed.fakes;
  calls = installed.stats.apiCalls;
  const ddb = localLedgerClient(dynamo.endpoint);
  const dynamodb = installed.clientSettings.overrides?.dynamodb;
  configureClients({
    ...installed.clientSettings,
    overrides: {
      ...installed.clientSettings.overrides,
      dynamodb: {
        ...dynamodb,
        endpoint: dynamo.endpoint,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 1,
      },
    },
  });
  await recreateLedgerTable(ddb);
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = TOPIC;
  process.env.AMI_KEY_ARN = KEY_ARN;
  process.env.AMI_KEY_REGIONS = 'us-east-1,eu-west-1';
  process.env.GOLDSMITH_CATALOG = JSON.stringify({
    ...catalog,
    monitoring: { ...catalog.monitoring, keyGrantQuota: 200, keyGrantAccountShare: 0.05 },
  });
  const policy = { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] };
  fakes.kms.createKey('us-east-1', KEY_ID, policy, { multiRegion: true });
  fakes.kms.replicateKey('us-east-1', KEY_ID, 'eu-west-1', policy);
  const items: object[] = [stateItem(tree, NOW.toISOString())];
  items.push(...[...tree.ous.keys()].map((id) => ouItem(tree, id)));
  items.push(...[...tree.accounts.keys()].map((id) => accountItem(tree, id)));
  for (const item of items) await documentClient().send(new PutCommand({ TableName: 'ledger', Item: { ...item } }));
  // 160 grants that stay: the baseline's grant and 129 of the stayer's, 30 of another account; and two leftovers.
  grant('us-east-1', STAYER, autoScalingRole(STAYER), 'goldsmith-auto-scaling-stack1');
  for (let i = 0; i < 129; i++) grant('us-east-1', STAYER, `arn:aws:iam::${STAYER}:role/app`);
  for (let i = 0; i < 30; i++) grant('us-east-1', BIG, `arn:aws:iam::${BIG}:role/app`);
  grant('us-east-1', LEAVER, autoScalingRole(LEAVER), 'goldsmith-auto-scaling-stack2');
  grant('us-east-1', MOVED, autoScalingRole(MOVED), 'goldsmith-auto-scaling-stack3');
});

describe('the AMI key grants auditor', () => {
  it('counts every grant through the pages, per account, and keeps the count in the ledger', async () => {
    const run = await auditKeyGrants(NOW);
    const home = run.regions.find((r) => r.region === 'us-east-1');
    expect(home).toMatchObject({ total: 160, accounts: 2, recorded: true });
    expect(run.regions.find((r) => r.region === 'eu-west-1')).toMatchObject({ total: 0, recorded: true });
    // 162 grants at 100 a page: two ListGrants calls in the home Region, one in the replica's.
    expect(calls['kms:ListGrants']).toBe(3);
    expect(fakes.kms.grantsHeld('us-east-1', KEY_ID)?.explicit).toBe(160);
    const held = await documentClient().send(
      new GetCommand({ TableName: 'ledger', Key: { pk: KEY_GRANTS_PK, sk: keyGrantsSk('us-east-1') } }),
    );
    expect(held.Item).toMatchObject({
      total: 160,
      keyArn: KEY_ARN,
      top: [
        { account: STAYER, grants: 130 },
        { account: BIG, grants: 30 },
      ],
    });
  });

  it('announces the Region at 80 % of the quota and names each account above its share', async () => {
    await auditKeyGrants(NOW);
    const high = announced().filter((n) => n.event === 'key-grants-high');
    expect(high.map((n) => n.detail)).toEqual([
      { finding: 'quota', region: 'us-east-1', total: 160, quota: 200 },
      { finding: 'account-share', region: 'us-east-1', total: 160, quota: 200, account: STAYER, grants: 130 },
      { finding: 'account-share', region: 'us-east-1', total: 160, quota: 200, account: BIG, grants: 30 },
    ]);
  });

  it("revokes the baseline's grants of an account that left and of one no channel targets, and announces each", async () => {
    const run = await auditKeyGrants(NOW);
    const home = run.regions.find((r) => r.region === 'us-east-1');
    expect(home?.revoked.map((r) => [r.account, r.outcome])).toEqual([
      [LEAVER, 'revoked'],
      [MOVED, 'revoked'],
    ]);
    const left = fakes.kms.key('us-east-1', KEY_ID)?.grants.map((g) => g.granteePrincipal) ?? [];
    expect(left).not.toContain(autoScalingRole(LEAVER));
    expect(left).not.toContain(autoScalingRole(MOVED));
    expect(left).toContain(autoScalingRole(STAYER));
    expect(
      announced()
        .filter((n) => n.event === 'key-grant-revoked')
        .map((n) => n.detail.reason),
    ).toEqual(['the account left the organization', 'no channel targets the account any more']);
  });

  it("keeps a joiner's fresh grant while the ledger's copy of the organization lags: Organizations says the key serves it", async () => {
    grant('us-east-1', JOINER, autoScalingRole(JOINER), 'goldsmith-auto-scaling-stack4');
    const run = await auditKeyGrants(NOW);
    const home = run.regions.find((r) => r.region === 'us-east-1');
    expect(home?.revoked.map((r) => r.account)).toEqual([LEAVER, MOVED]);
    expect(home?.kept).toEqual([
      {
        grantId: expect.any(String),
        account: JOINER,
        why: "Organizations says the key still serves the account (the ledger's copy of the organization lags)",
      },
    ]);
    expect(fakes.kms.key('us-east-1', KEY_ID)?.grants.map((g) => g.granteePrincipal)).toContain(
      autoScalingRole(JOINER),
    );
    expect(announced().filter((n) => n.event === 'key-grant-revoked' && n.detail.account === JOINER)).toEqual([]);
    // The leaver, the moved account and the joiner: each asked of Organizations once.
    expect(calls['organizations:DescribeAccount']).toBe(3);
  });

  it('run again the same day: nothing revoked, nothing announced twice', async () => {
    await auditKeyGrants(NOW);
    const before = fakes.sns.messages.length;
    const again = await auditKeyGrants(new Date(NOW.getTime() + 3600_000));
    expect(again.regions.flatMap((r) => r.revoked)).toEqual([]);
    expect(fakes.sns.messages.length).toBe(before);
  });

  it('without a held organization, counts every grant and revokes none', async () => {
    await documentClient().send(new DeleteCommand({ TableName: 'ledger', Key: { pk: 'ORG', sk: 'STATE' } }));
    const run = await auditKeyGrants(NOW);
    expect(run.sweepSkipped).toMatch(/no organization/);
    expect(run.regions.find((r) => r.region === 'us-east-1')).toMatchObject({ total: 162, revoked: [] });
    expect(fakes.kms.grantsHeld('us-east-1', KEY_ID)?.explicit).toBe(162);
  });
});
