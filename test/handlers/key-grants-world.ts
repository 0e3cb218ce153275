import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { accountItem, ouItem, stateItem } from '../../core/sharing/held-organization.js';
import { AUTO_SCALING_GRANT_OPERATIONS } from '../../core/sharing/key-grants.js';
import type { OrgTree } from '../../core/sharing/targets.js';
import type { auditKeyGrants } from '../../functions/key-grants.js';
import { VirtualClock } from '../../local/clock.js';
import { installFakes, type LocalFakes } from '../../local/fakes/install.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { catalog } from './promotion-fixtures.js';

/**
 * The world of the AMI key grants auditor's tests (key-grants.test.ts, key-grants-grantee.test.ts): Organizations with
 * a ledger copy that lags it, a multi-Region key with its grants, the local KMS, SNS and a ledger in dynalite.
 */

export const FACTORY = '111122223333';
export const KEY_ID = 'mrk-0123456789abcdef0123456789abcdef';
export const KEY_ARN = `arn:aws:kms:us-east-1:${FACTORY}:key/${KEY_ID}`;
const TOPIC = `arn:aws:sns:us-east-1:${FACTORY}:goldsmith-test-notifications`;
const DEV = 'ou-x1y2-dev00001';
const STG = 'ou-x1y2-stg00001';
const SANDBOX = 'ou-x1y2-sbx00001';
export const STAYER = '200000000001';
export const BIG = '200000000002';
export const MOVED = '300000000003';
export const LEAVER = '444455556666';
/** In the development OU as Organizations holds it, with its baseline grant, before organization-sync read it. */
export const JOINER = '200000000009';
export const NOW = new Date('2027-02-01T06:00:00Z');

/** The world of the test running now, set before each. */
export const world = {} as { fakes: LocalFakes; calls: Record<string, number>; clock: VirtualClock };

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

export const autoScalingRole = (account: string) =>
  `arn:aws:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;

/**
 * A grant `account` creates on the key in `region` (the key policy of this test lets anyone), one virtual second after
 * the one before: to an Auto Scaling role with the baseline's operations, to anything else Decrypt.
 */
export function grant(
  region: string,
  account: string,
  grantee: string,
  name?: string,
  operations = grantee.includes('autoscaling') ? AUTO_SCALING_GRANT_OPERATIONS : ['Decrypt'],
): string {
  world.clock.moveTo(world.clock.now() + 1000);
  return world.fakes.kms.createGrant(
    region,
    KEY_ID,
    { account, principalArn: `arn:aws:iam::${account}:role/admin`, identityAllows: true },
    { granteePrincipal: grantee, operations, ...(name ? { name } : {}) },
  );
}

export const announced = () =>
  world.fakes.sns.messages.map(
    (m) => JSON.parse(m.message) as { event: string; severity: string; detail: Record<string, unknown> },
  );
export const grantIds = () => world.fakes.kms.key('us-east-1', KEY_ID)?.grants.map((g) => g.grantId) ?? [];
export const homeOf = (run: Awaited<ReturnType<typeof auditKeyGrants>>) =>
  run.regions.find((r) => r.region === 'us-east-1');

/** The local cloud, the ledger and the key's grants, made anew before each test of the file that calls it. */
export function useKeyGrantsWorld(): void {
  const dynamo = useLocalDynamo();
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
    world.clock = new VirtualClock(new Date(NOW.getTime() - 86_400_000).toISOString());
    const installed = installFakes({
      clock: world.clock,
      accountId: FACTORY,
      topics: [TOPIC],
      organization,
    });
    world.fakes = installed.fakes;
    world.fakes.kms.clock = () => world.clock.now();
    world.calls = installed.stats.apiCalls;
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
    world.fakes.kms.createKey('us-east-1', KEY_ID, policy, { multiRegion: true });
    world.fakes.kms.replicateKey('us-east-1', KEY_ID, 'eu-west-1', policy);
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
}
