import { GetResourcePoliciesCommand, PutResourcePolicyCommand, SSMServiceException } from '@aws-sdk/client-ssm';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { ssmClient } from '../../aws/clients/ssm.js';
import { recordPointerShareInForce } from '../../aws/sharing/pointer-shares-held.js';
import { accountItem, ouItem, stateItem } from '../../core/sharing/held-organization.js';
import type { OrgTree } from '../../core/sharing/targets.js';
import { auditPointerPolicies } from '../../functions/audit/pointer-policies.js';
import { VirtualClock } from '../../local/clock.js';
import { errorFactory, type FakeCall } from '../../local/fakes/common.js';
import { type InstalledFakes, installFakes } from '../../local/fakes/install.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { configureAuditClients, driftAnnouncements, heldDevPointer, readPolicy } from './audit-fixtures.js';

/**
 * The audit of the pointers' resource policies where Goldsmith's role may not delete one (an SCP of the owner's, or
 * a role narrowed outside the deployment): it stops, leaves the policy, and announces it critical with the command a
 * person runs; a second run announces nothing more. And the policies it leaves for a person whatever its role may
 * do (conditions it does not read; accounts the share reaches through its OU): announced each day, never deleted.
 */

const ACCOUNT = '123456789012';
const R = 'us-east-1';
const NOW = new Date('2027-01-18T00:00:00Z');
const NOTIFY = `arn:aws:sns:${R}:${ACCOUNT}:goldsmith-test-notifications`;
const POINTER = `arn:aws:ssm:${R}:${ACCOUNT}:parameter/goldsmith/base/dev`;
const TARGET = '222233334444';
const STRANGER = '444455556666';
const plans = [
  {
    regions: [R],
    channels: [
      {
        name: 'dev',
        targets: { ous: [], accounts: [TARGET], accountTags: {}, exclude: { ous: [], accounts: [] } },
      },
    ],
  },
];
const ORG = 'o-a1b2c3d4e5';
const DEV_OU = 'ou-x1y2-dev00001';
const DEV_OU_ARN = `arn:aws:organizations::${ACCOUNT}:ou/${ORG}/${DEV_OU}`;
/** An account under the dev OU (one level down), which RAM lets read what is shared with the OU. */
const MEMBER = '555566667777';
const ouPlans = [
  {
    regions: [R],
    channels: [
      { name: 'dev', targets: { ous: [DEV_OU], accounts: [], accountTags: {}, exclude: { ous: [], accounts: [] } } },
    ],
  },
];
const tree: OrgTree = {
  organizationArn: `arn:aws:organizations::${ACCOUNT}:organization/${ORG}`,
  rootId: 'r-ab12',
  ous: new Map([
    [DEV_OU, { arn: DEV_OU_ARN, parentId: 'r-ab12' }],
    ['ou-x1y2-team0001', { arn: `${DEV_OU_ARN}-team`, parentId: DEV_OU }],
  ]),
  accounts: new Map([
    [MEMBER, { parentId: 'ou-x1y2-team0001', state: 'ACTIVE' }],
    [STRANGER, { parentId: 'r-ab12', state: 'ACTIVE' }],
  ]),
  tagsRead: false,
};
const DAY_LATER = new Date(NOW.getTime() + 86_400_000);
const policy = (account: string) => readPolicy(account, POINTER);

const dynamo = useLocalDynamo();
let cloud: InstalledFakes;
let deletes: number;
const held = async () =>
  (await ssmClient(R).send(new GetResourcePoliciesCommand({ ResourceArn: POINTER }))).Policies ?? [];

beforeEach(async () => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = NOTIFY;
  deletes = 0;
  const clock = new VirtualClock(NOW.toISOString());
  cloud = installFakes({ clock, accountId: ACCOUNT, topics: [NOTIFY] });
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  // Parameter Store as the fake answers it, but DeleteResourcePolicy refused to the caller, as an SCP would.
  const denied = errorFactory(SSMServiceException);
  const ssm = {
    handle: (call: FakeCall) => {
      if (call.action === 'DeleteResourcePolicy') {
        deletes++;
        throw denied('AccessDeniedException', 'not authorized to perform: ssm:DeleteResourcePolicy (SCP)');
      }
      return cloud.fakes.ssm.handle(call);
    },
  };
  configureAuditClients(cloud, dynamo.endpoint, { service: 'ssm', fake: ssm, clock, accountId: ACCOUNT });
  await heldDevPointer(R, ACCOUNT, [TARGET], NOW);
});

afterEach(() => configureClients({}));

describe("the audit of the pointers' resource policies, where Goldsmith's role may not delete one", () => {
  it('leaves a policy letting in only the channel’s target, with one read', async () => {
    await ssmClient(R).send(new PutResourcePolicyCommand({ ResourceArn: POINTER, Policy: policy(TARGET) }));
    const part = await auditPointerPolicies(plans, NOW);
    // The listing of what RAM shares, the share RAM made for the policy described, and the pointer's policies.
    expect(part).toMatchObject({ checked: 1, reads: 3, findings: [], failures: [] });
    expect(driftAnnouncements(cloud, NOTIFY)).toEqual([]);
  });

  it('stops, announces it critical with the command a person runs, and announces nothing more the next run', async () => {
    await ssmClient(R).send(new PutResourcePolicyCommand({ ResourceArn: POINTER, Policy: policy(STRANGER) }));
    const [found] = await held();
    const part = await auditPointerPolicies(plans, NOW);
    expect(part.findings).toEqual([
      expect.objectContaining({
        resource: 'pointer-policy',
        region: R,
        name: 'goldsmith-pointers-dev',
        repaired: false,
        action: expect.stringContaining(
          `run: aws ssm delete-resource-policy --region ${R} --resource-arn ${POINTER} --policy-id ${found?.PolicyId} --policy-hash ${found?.PolicyHash}`,
        ),
      }),
    ]);
    expect(part.failures).toEqual([]);
    expect(await held()).toHaveLength(1);
    expect(driftAnnouncements(cloud, NOTIFY).map((a) => a.severity)).toEqual(['critical']);

    await auditPointerPolicies(plans, NOW);
    expect(driftAnnouncements(cloud, NOTIFY)).toHaveLength(1);
  });
});

describe("the audit of the pointers' resource policies it leaves for a person", () => {
  it('announces a wildcard held to the OU with conditions it does not read besides, again each day a read finds it, never deleting it', async () => {
    await recordPointerShareInForce({
      region: R,
      name: 'goldsmith-pointers-dev',
      resourceShareArn: `arn:aws:ram:${R}:${ACCOUNT}:resource-share/dev`,
      principals: [DEV_OU_ARN],
      resourceArn: POINTER,
      at: NOW.toISOString(),
    });
    const unclear = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 'ssm:GetParameter',
          Resource: POINTER,
          Condition: {
            StringEquals: { 'aws:PrincipalOrgPaths': `${ORG}/r-ab12/${DEV_OU}/`, 'aws:SourceAccount': TARGET },
          },
        },
      ],
    });
    await ssmClient(R).send(new PutResourcePolicyCommand({ ResourceArn: POINTER, Policy: unclear }));
    await auditPointerPolicies(ouPlans, NOW);
    await auditPointerPolicies(ouPlans, NOW);
    expect(driftAnnouncements(cloud, NOTIFY)).toHaveLength(1);

    const part = await auditPointerPolicies(ouPlans, DAY_LATER);
    expect(part.findings.map((f) => f.action)).toEqual([expect.stringContaining('left as it is')]);
    expect(driftAnnouncements(cloud, NOTIFY).map((a) => a.severity)).toEqual(['critical', 'critical']);
    expect(deletes).toBe(0);
    expect(await held()).toHaveLength(1);
  });

  it('takes a wildcard held only by a condition that holds no caller to the organization (aws:SourceAccount) as letting anyone in', async () => {
    const anyone = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 'ssm:GetParameter',
          Resource: POINTER,
          Condition: { StringEquals: { 'aws:SourceAccount': TARGET } },
        },
      ],
    });
    await ssmClient(R).send(new PutResourcePolicyCommand({ ResourceArn: POINTER, Policy: anyone }));
    const part = await auditPointerPolicies(plans, NOW);
    expect(part.findings.map((f) => f.action)).toEqual([expect.stringContaining('could not delete it')]);
    expect(deletes).toBe(1);
  });

  it('never deletes a policy naming only accounts the share reaches through its OU, and announces it', async () => {
    const items = [
      stateItem(tree, NOW.toISOString()),
      ...[...tree.ous.keys()].map((id) => ouItem(tree, id)),
      ...[...tree.accounts.keys()].map((id) => accountItem(tree, id)),
    ];
    for (const item of items) await documentClient().send(new PutCommand({ TableName: 'ledger', Item: { ...item } }));
    await recordPointerShareInForce({
      region: R,
      name: 'goldsmith-pointers-dev',
      resourceShareArn: `arn:aws:ram:${R}:${ACCOUNT}:resource-share/dev`,
      principals: [DEV_OU_ARN],
      resourceArn: POINTER,
      at: NOW.toISOString(),
    });
    await ssmClient(R).send(new PutResourcePolicyCommand({ ResourceArn: POINTER, Policy: policy(MEMBER) }));

    const part = await auditPointerPolicies(ouPlans, NOW);

    expect(part.findings).toEqual([
      expect.objectContaining({
        repaired: false,
        action: expect.stringContaining("lets in no one beyond the share's reach as the organization resolves it"),
      }),
    ]);
    expect(deletes).toBe(0);
    expect(driftAnnouncements(cloud, NOTIFY).map((a) => a.severity)).toEqual(['critical']);

    // One naming an account outside the OU is still taken away (here: Goldsmith's role may not, so it says so).
    await ssmClient(R).send(new PutResourcePolicyCommand({ ResourceArn: POINTER, Policy: policy(STRANGER) }));
    const next = await auditPointerPolicies(ouPlans, NOW);
    expect(next.findings.map((f) => f.action)).toEqual([
      expect.stringContaining('left as it is'),
      expect.stringContaining('could not delete it'),
    ]);
    expect(deletes).toBe(1);
  });
});
