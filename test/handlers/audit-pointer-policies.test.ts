import {
  GetResourcePoliciesCommand,
  PutParameterCommand,
  PutResourcePolicyCommand,
  SSMServiceException,
} from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureClients } from '../../aws/clients/registry.js';
import { ssmClient } from '../../aws/clients/ssm.js';
import { recordPointerShareInForce } from '../../aws/sharing/pointer-shares-held.js';
import { auditPointerPolicies } from '../../functions/audit/pointer-policies.js';
import { VirtualClock } from '../../local/clock.js';
import { errorFactory, type FakeCall } from '../../local/fakes/common.js';
import { type InstalledFakes, installFakes } from '../../local/fakes/install.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { configureAuditClients, driftAnnouncements } from './audit-fixtures.js';

/**
 * The audit of the pointers' resource policies where Goldsmith's role may not delete one (an SCP of the owner's, or
 * a role narrowed outside the deployment): it stops, leaves the policy, and announces it critical with the command a
 * person runs; a second run announces nothing more.
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
const policy = (account: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: account }, Action: 'ssm:GetParameter', Resource: POINTER }],
  });

const dynamo = useLocalDynamo();
let cloud: InstalledFakes;
const held = async () =>
  (await ssmClient(R).send(new GetResourcePoliciesCommand({ ResourceArn: POINTER }))).Policies ?? [];

beforeEach(async () => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = NOTIFY;
  const clock = new VirtualClock(NOW.toISOString());
  cloud = installFakes({ clock, accountId: ACCOUNT, topics: [NOTIFY] });
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  // Parameter Store as the fake answers it, but DeleteResourcePolicy refused to the caller, as an SCP would.
  const denied = errorFactory(SSMServiceException);
  const ssm = {
    handle: (call: FakeCall) => {
      if (call.action === 'DeleteResourcePolicy')
        throw denied('AccessDeniedException', 'not authorized to perform: ssm:DeleteResourcePolicy (SCP)');
      return cloud.fakes.ssm.handle(call);
    },
  };
  configureAuditClients(cloud, dynamo.endpoint, { service: 'ssm', fake: ssm, clock, accountId: ACCOUNT });
  await ssmClient(R).send(
    new PutParameterCommand({ Name: '/goldsmith/base/dev', Value: 'ami-0abc', Type: 'String', Tier: 'Advanced' }),
  );
  await recordPointerShareInForce({
    region: R,
    name: 'goldsmith-pointers-dev',
    resourceShareArn: `arn:aws:ram:${R}:${ACCOUNT}:resource-share/dev`,
    principals: [TARGET],
    resourceArn: POINTER,
    at: NOW.toISOString(),
  });
});

afterEach(() => configureClients({}));

describe("the audit of the pointers' resource policies, where Goldsmith's role may not delete one", () => {
  it('leaves a policy letting in only the channel’s target, with one read', async () => {
    await ssmClient(R).send(new PutResourcePolicyCommand({ ResourceArn: POINTER, Policy: policy(TARGET) }));
    const part = await auditPointerPolicies(plans, NOW);
    expect(part).toMatchObject({ checked: 1, reads: 1, findings: [], failures: [] });
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
