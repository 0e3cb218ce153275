import { CreateResourceShareCommand, RAMServiceException } from '@aws-sdk/client-ram';
import { GetResourcePoliciesCommand, PutResourcePolicyCommand } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ramClient } from '../../aws/clients/ram.js';
import { configureClients } from '../../aws/clients/registry.js';
import { ssmClient } from '../../aws/clients/ssm.js';
import { recordPointerShareInForce } from '../../aws/sharing/pointer-shares-held.js';
import { auditPointerPolicies } from '../../functions/audit/pointer-policies.js';
import type { VirtualClock } from '../../local/clock.js';
import { errorFactory, type FakeCall } from '../../local/fakes/common.js';
import type { InstalledFakes } from '../../local/fakes/install.js';
import { useLocalDynamo } from '../helpers/ledger-table.js';
import {
  configureAuditClients,
  driftAnnouncements,
  heldDevPointer,
  readPolicy,
  startAuditCloud,
} from './audit-fixtures.js';

/**
 * The daily pass over the pointers' resource policies, between the policies' sweeps: a policy someone put on a
 * pointer makes RAM create a share of its own for it, so listing what RAM shares (one ListResources a Region) finds a
 * policy whose CloudTrail event never came, the next day instead of at the next sweep, and reads no policy otherwise.
 */

const ACCOUNT = '123456789012';
const REGIONS = ['eu-west-1', 'us-east-1'];
const [R = ''] = REGIONS;
const NOW = new Date('2027-01-18T00:10:00Z');
const NOTIFY = `arn:aws:sns:us-east-1:${ACCOUNT}:goldsmith-test-notifications`;
const pointer = (region: string) => `arn:aws:ssm:${region}:${ACCOUNT}:parameter/goldsmith/base/dev`;
const TARGET = '222233334444';
const STRANGER = '444455556666';
const plans = [
  {
    regions: REGIONS,
    channels: [
      { name: 'dev', targets: { ous: [], accounts: [TARGET], accountTags: {}, exclude: { ous: [], accounts: [] } } },
    ],
  },
];

const dynamo = useLocalDynamo();
let cloud: InstalledFakes;
let clock: VirtualClock;
const calls = (op: string) => cloud.stats.apiCalls[op] ?? 0;
const held = async (region: string) =>
  (await ssmClient(region).send(new GetResourcePoliciesCommand({ ResourceArn: pointer(region) }))).Policies ?? [];

beforeEach(async () => {
  // No trail: a policy's PutResourcePolicy sends the audit no event.
  ({ clock, cloud } = await startAuditCloud(dynamo.endpoint, NOW, ACCOUNT, NOTIFY));
  for (const region of REGIONS) {
    await heldDevPointer(region, ACCOUNT, [TARGET], NOW);
    // The channel's own share, as Publish made it: RAM lists the pointer in it, which is as it should be.
    const made = await ramClient(region).send(
      new CreateResourceShareCommand({
        name: 'goldsmith-pointers-dev',
        resourceArns: [pointer(region)],
        principals: [TARGET],
        allowExternalPrincipals: false,
      }),
    );
    await recordPointerShareInForce({
      region,
      name: 'goldsmith-pointers-dev',
      resourceShareArn: made.resourceShare?.resourceShareArn ?? '',
      principals: [TARGET],
      resourceArn: pointer(region),
      at: NOW.toISOString(),
    });
  }
});

afterEach(() => configureClients({}));

describe("the daily pass over the pointers' policies, between the policies' sweeps", () => {
  it("reads no pointer's policies when RAM lists each pointer in its channel's share only: one ListResources a Region", async () => {
    const part = await auditPointerPolicies(plans, NOW, 'outside-shares');
    expect(part).toMatchObject({ checked: 2, reads: 2, findings: [], failures: [] });
    expect([calls('ram:ListResources'), calls('ssm:GetResourcePolicies')]).toEqual([2, 0]);

    // The sweep reads every pointer's.
    await auditPointerPolicies(plans, NOW, 'all');
    expect(calls('ssm:GetResourcePolicies')).toBe(2);
  });

  it('finds a policy whose event never came by the share RAM made for it, deletes it, and the next day reads nothing', async () => {
    const other = REGIONS[1] ?? '';
    await ssmClient(other).send(
      new PutResourcePolicyCommand({ ResourceArn: pointer(other), Policy: readPolicy(STRANGER, pointer(other)) }),
    );

    const part = await auditPointerPolicies(plans, NOW, 'outside-shares');
    expect(part.failures).toEqual([]);
    expect(part.findings).toEqual([
      expect.objectContaining({ resource: 'pointer-policy', region: other, repaired: true }),
    ]);
    expect(part.findings[0]?.found).toContain(STRANGER);
    // Only that pointer's policies: read, and read back after the delete (the share RAM made described once).
    expect([calls('ram:ListResources'), calls('ram:GetResourceShares'), calls('ssm:GetResourcePolicies')]).toEqual([
      2, 1, 2,
    ]);
    expect(await held(other)).toEqual([]);
    expect(await held(R)).toEqual([]);
    expect(driftAnnouncements(cloud, NOTIFY).map((a) => a.severity)).toEqual(['critical']);

    const policyReads = calls('ssm:GetResourcePolicies');
    const nextDay = await auditPointerPolicies(plans, new Date(NOW.getTime() + 86_400_000), 'outside-shares');
    expect(nextDay).toMatchObject({ reads: 2, findings: [], failures: [] });
    expect([calls('ram:ListResources'), calls('ssm:GetResourcePolicies') - policyReads]).toEqual([4, 0]);
  });

  it("reads every pointer's policies in a Region whose listing failed, reported, and covers the others", async () => {
    const other = REGIONS[1] ?? '';
    await ssmClient(R).send(
      new PutResourcePolicyCommand({ ResourceArn: pointer(R), Policy: readPolicy(STRANGER, pointer(R)) }),
    );
    // RAM refuses the listing in one Region, as an SCP of the owner's would.
    const refused = errorFactory(RAMServiceException);
    const ram = {
      handle: (call: FakeCall) => {
        if (call.action === 'ListResources' && call.region === other)
          throw refused('AccessDeniedException', 'not authorized to perform: ram:ListResources (SCP)');
        return cloud.fakes.ram.handle(call);
      },
    };
    configureAuditClients(cloud, dynamo.endpoint, { service: 'ram', fake: ram, clock, accountId: ACCOUNT });
    const part = await auditPointerPolicies(plans, NOW, 'outside-shares');
    expect(part.failures).toEqual([expect.stringContaining(`the parameters RAM shares in ${other}`)]);
    expect(part.findings.map((f) => f.region)).toEqual([R]);
    // That Region's pointer has its policies read instead: R's once and read back, the other's once.
    expect(calls('ssm:GetResourcePolicies')).toBe(3);
  });

  it('announces a pointer someone put in a standard share of their own, once, with the command that takes it out', async () => {
    const made = await ramClient(R).send(
      new CreateResourceShareCommand({ name: 'team-parameters', resourceArns: [pointer(R)], principals: [STRANGER] }),
    );
    const part = await auditPointerPolicies(plans, NOW, 'outside-shares');
    expect(part.failures).toEqual([]);
    expect(part.findings).toEqual([
      expect.objectContaining({
        resource: 'pointer-share',
        region: R,
        name: 'team-parameters',
        repaired: false,
        action: expect.stringContaining(
          `aws ram disassociate-resource-share --region ${R} --resource-share-arn ${made.resourceShare?.resourceShareArn} --resource-arns ${pointer(R)}`,
        ),
      }),
    ]);
    expect(driftAnnouncements(cloud, NOTIFY).map((a) => a.severity)).toEqual(['critical']);
    // Its policies are read too (RAM keeps no policy of a share in this local cloud: nothing to delete).
    expect(calls('ssm:GetResourcePolicies')).toBe(1);

    await auditPointerPolicies(plans, new Date(NOW.getTime() + 86_400_000), 'outside-shares');
    expect(driftAnnouncements(cloud, NOTIFY)).toHaveLength(1);
  });

  it("leaves a policy that names no account (a Deny alone: RAM makes no share) to the policies' sweep", async () => {
    const deny = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: { AWS: TARGET }, Action: 'ssm:GetParameter', Resource: pointer(R) }],
    });
    await ssmClient(R).send(new PutResourcePolicyCommand({ ResourceArn: pointer(R), Policy: deny }));
    const daily = await auditPointerPolicies(plans, NOW, 'outside-shares');
    expect([daily.findings, calls('ssm:GetResourcePolicies')]).toEqual([[], 0]);

    const sweep = await auditPointerPolicies(plans, NOW, 'all');
    expect(sweep.findings).toEqual([
      expect.objectContaining({ resource: 'pointer-policy', region: R, repaired: true }),
    ]);
  });
});
