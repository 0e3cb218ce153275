import { randomUUID } from 'node:crypto';
import { CloudFormationClient, ListStackInstancesCommand } from '@aws-sdk/client-cloudformation';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { KEEP_IN_FLIGHT_MS, KEY_GRANTS_PK, keyGrantsSk } from '../../core/audit/key-grants.js';
import { accountItem, ouItem, stateItem } from '../../core/sharing/held-organization.js';
import { AUTO_SCALING_GRANT_OPERATIONS } from '../../core/sharing/key-grants.js';
import type { OrgTree } from '../../core/sharing/targets.js';
import { auditKeyGrants } from '../../functions/key-grants.js';
import { VirtualClock } from '../../local/clock.js';
import { installFakes, type LocalFakes } from '../../local/fakes/install.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
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
let clock: VirtualClock;

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

/**
 * A grant `account` creates on the key in `region` (the key policy of this test lets anyone), one virtual second after
 * the one before: to an Auto Scaling role with the baseline's operations, to anything else Decrypt.
 */
function grant(
  region: string,
  account: string,
  grantee: string,
  name?: string,
  operations = grantee.includes('autoscaling') ? AUTO_SCALING_GRANT_OPERATIONS : ['Decrypt'],
): string {
  clock.moveTo(clock.now() + 1000);
  return fakes.kms.createGrant(
    region,
    KEY_ID,
    { account, principalArn: `arn:aws:iam::${account}:role/admin`, identityAllows: true },
    { granteePrincipal: grantee, operations, ...(name ? { name } : {}) },
  );
}

const announced = () =>
  fakes.sns.messages.map(
    (m) => JSON.parse(m.message) as { event: string; severity: string; detail: Record<string, unknown> },
  );
const grantIds = () => fakes.kms.key('us-east-1', KEY_ID)?.grants.map((g) => g.grantId) ?? [];
const homeOf = (run: Awaited<ReturnType<typeof auditKeyGrants>>) => run.regions.find((r) => r.region === 'us-east-1');

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
  clock = new VirtualClock(new Date(NOW.getTime() - 86_400_000).toISOString());
  const installed = installFakes({
    clock,
    accountId: FACTORY,
    topics: [TOPIC],
    organization,
  });
  fakes = installed.fakes;
  fakes.kms.clock = () => clock.now();
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

describe('the AMI key grants judged by grantee, not by name', () => {
  const EXTRA = 200;
  it("revokes a member's 200 extra grants to its Auto Scaling role, whatever their names, keeps the baseline's, and announces it as critical", async () => {
    const baseline = fakes.kms.key('us-east-1', KEY_ID)?.grants.find((g) => g.name === 'goldsmith-auto-scaling-stack1');
    for (let i = 0; i < EXTRA; i++) {
      // Any name, the baseline's prefix, or none; the baseline's operations or fewer.
      const name = [randomUUID(), `goldsmith-auto-scaling-${randomUUID()}`, undefined][i % 3];
      grant('us-east-1', STAYER, autoScalingRole(STAYER), name, i % 2 ? ['Decrypt'] : undefined);
    }
    // 200 RevokeGrant calls pass KMS's request rate: the SDK's backoff runs on the virtual clock.
    const run = await clock.runUntilSettled(clock.track(() => auditKeyGrants(NOW), 'audit'));
    const extras = homeOf(run)?.revoked.filter((r) => r.account === STAYER) ?? [];
    expect(extras).toHaveLength(EXTRA);
    const roleGrants = fakes.kms
      .key('us-east-1', KEY_ID)
      ?.grants.filter((g) => g.granteePrincipal === autoScalingRole(STAYER));
    expect(roleGrants?.map((g) => g.grantId)).toEqual([baseline?.grantId]);
    const notice = announced().filter((n) => n.event === 'key-grant-revoked' && n.detail.account === STAYER);
    expect(notice).toEqual([
      expect.objectContaining({
        severity: 'critical',
        detail: expect.objectContaining({
          grants: EXTRA,
          reason: expect.stringMatching(/beyond the one the member baseline made/),
        }),
      }),
    ]);
    // Idempotent: a second run revokes nothing more and announces nothing again.
    const before = fakes.sns.messages.length;
    const again = await auditKeyGrants(new Date(NOW.getTime() + 3600_000));
    expect(again.regions.flatMap((r) => r.revoked)).toEqual([]);
    expect(fakes.sns.messages.length).toBe(before);
  });

  it("revokes a leaver's grant to its Auto Scaling role made under another name", async () => {
    const other = grant('us-east-1', LEAVER, autoScalingRole(LEAVER), 'my-own-grant');
    const unnamed = grant('eu-west-1', LEAVER, autoScalingRole(LEAVER));
    const run = await auditKeyGrants(NOW);
    const revoked = run.regions.flatMap((r) => r.revoked.map((x) => x.grantId));
    expect(revoked).toEqual(expect.arrayContaining([other, unnamed]));
    expect(grantIds()).not.toContain(other);
    expect(fakes.kms.key('eu-west-1', KEY_ID)?.grants).toEqual([]);
  });

  it("never revokes the factory's own grants (Image Builder's, EC2's, its roles', its Auto Scaling role's copies) while it revokes a member's copy", async () => {
    const own = [
      grant('us-east-1', FACTORY, `arn:aws:iam::${FACTORY}:role/goldsmith-test-imagebuilder`),
      grant('us-east-1', FACTORY, `arn:aws:iam::${FACTORY}:role/goldsmith-test-reconcile`),
      grant('us-east-1', FACTORY, 'ec2.us-east-1.amazonaws.com'),
      grant('us-east-1', FACTORY, 'imagebuilder.amazonaws.com'),
      ...Array.from({ length: 3 }, (_, i) => grant('us-east-1', FACTORY, autoScalingRole(FACTORY), `copy-${i}`)),
    ];
    const copy = grant('us-east-1', STAYER, autoScalingRole(STAYER), 'copy-0');
    await auditKeyGrants(NOW);
    await auditKeyGrants(new Date(NOW.getTime() + 86_400_000));
    expect(grantIds()).toEqual(expect.arrayContaining(own));
    expect(grantIds()).not.toContain(copy);
  });

  describe("a leaver's stack instance left in flight or stuck", () => {
    let running: boolean;
    beforeEach(() => {
      process.env.MEMBER_BASELINE_STACK_SET = 'goldsmith-test-member-baseline';
      process.env.MEMBER_BASELINE_CALL_AS = 'DELEGATED_ADMIN';
      running = true;
      // The moved account's instance in the sandbox OU no channel targets: its deletion under way, then failed.
      const stuck = {
        StackId: `arn:aws:cloudformation:us-east-1:${MOVED}:stack/StackSet-baseline/stack3`,
        Account: MOVED,
        Region: 'us-east-1',
        Status: 'OUTDATED' as const,
      };
      mockClient(CloudFormationClient)
        .on(ListStackInstancesCommand)
        .callsFake((input: { StackInstanceAccount?: string }) => ({
          Summaries:
            input.StackInstanceAccount === MOVED
              ? [{ ...stuck, StackInstanceStatus: { DetailedStatus: running ? 'RUNNING' : 'FAILED' } }]
              : [],
        }));
      return () => {
        delete process.env.MEMBER_BASELINE_STACK_SET;
        delete process.env.MEMBER_BASELINE_CALL_AS;
      };
    });

    const movedGrant = () =>
      fakes.kms.key('us-east-1', KEY_ID)?.grants.find((g) => g.granteePrincipal === autoScalingRole(MOVED));

    it('keeps the grant while its deletion is in flight, announced as a warning, and revokes it once the instance is stuck FAILED after the bound', async () => {
      const first = await auditKeyGrants(NOW);
      const until = new Date(NOW.getTime() + KEEP_IN_FLIGHT_MS).toISOString();
      expect(homeOf(first)?.kept).toEqual([
        expect.objectContaining({ account: MOVED, why: expect.stringMatching(/in flight .*OUTDATED RUNNING/), until }),
      ]);
      expect(announced().filter((n) => n.event === 'key-grant-kept')).toEqual([
        expect.objectContaining({ severity: 'warning', detail: expect.objectContaining({ account: MOVED, until }) }),
      ]);
      expect(movedGrant()).toBeDefined();
      running = false;
      const later = await auditKeyGrants(new Date(NOW.getTime() + KEEP_IN_FLIGHT_MS + 3600_000));
      expect(homeOf(later)?.revoked.map((r) => r.account)).toEqual([MOVED]);
      expect(movedGrant()).toBeUndefined();
    });

    it('revokes the grant once the bound has passed though the instance still shows RUNNING', async () => {
      await auditKeyGrants(NOW);
      const soon = await auditKeyGrants(new Date(NOW.getTime() + KEEP_IN_FLIGHT_MS - 60_000));
      expect(homeOf(soon)?.kept?.map((k) => k.account)).toEqual([MOVED]);
      const later = await auditKeyGrants(new Date(NOW.getTime() + KEEP_IN_FLIGHT_MS));
      expect(homeOf(later)?.revoked).toEqual([expect.objectContaining({ account: MOVED })]);
      expect(
        announced().find((n) => n.event === 'key-grant-revoked' && n.detail.account === MOVED)?.detail.reason,
      ).toMatch(/still OUTDATED RUNNING 12 hours after/);
    });
  });
});
