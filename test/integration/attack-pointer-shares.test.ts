import {
  AssociateResourceShareCommand,
  GetResourceSharesCommand,
  UpdateResourceShareCommand,
} from '@aws-sdk/client-ram';
import { GetResourcePoliciesCommand, PutResourcePolicyCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ramClient } from '../../aws/clients/ram.js';
import { ssmClient } from '../../aws/clients/ssm.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { armSchedule } from '../../local/simulator/driver.js';
import { runAs } from '../../local/trust/caller.js';
import { devThenProdSoakingAnHour } from '../scenarios/helpers.js';
import { ACCOUNT, operatorCatalog, pointerOf, releaseOpenssl, startOperatorCloud } from './operator-helpers.js';
import { ledgerItems } from './region-fixtures.js';

/**
 * Attack: a principal of the factory account with `ram:*` and `ssm:PutResourcePolicy` (no Goldsmith role, no SCP in
 * the way) gives accounts of its own the dev channel's pointer: one associated with the channel's RAM share, one named
 * in a resource policy put on the pointer. The policy's CloudTrail event has it taken away within minutes, the next
 * daily audit takes the association away; both are recorded and announced (critical, naming the share, the Region
 * and the account), and a clean run after it finds nothing.
 */

const ATTACKER_ROLE = `arn:aws:iam::${ACCOUNT}:role/attacker`;
const ATTACKER = `arn:aws:sts::${ACCOUNT}:assumed-role/attacker/mallory`;
const SHARE = 'goldsmith-pointers-dev';
const REGION = 'us-east-1';
/** An account outside the organization, named in the attacker's resource policy. */
const STRANGER = '444455556666';
const POINTER = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/goldsmith/base/dev`;

let cloud: LocalCloud;
/** An account of the organization that the dev channel does not target (it is in the prod OU). */
let insider: string;

/** Whether `account` can read the dev pointer by its ARN, as a consumer would (RAM share or resource policy). */
const reads = (account: string) =>
  cloud.installed.fakes.ssm.readAs(account, REGION, POINTER, (arn) =>
    cloud.installed.fakes.ram.readers(REGION, arn),
  ) !== undefined;

/** The audit's next daily run (midnight UTC, the full pass) armed as the simulator arms it, and run past. */
const pastNextAudit = () => {
  const midnight = new Date(cloud.clock.now());
  midnight.setUTCDate(midnight.getUTCDate() + 1);
  midnight.setUTCHours(0, 0, 0, 0);
  armSchedule(cloud, 'AuditHoldingsSchedule', midnight.getTime());
  return cloud.clock.run(new Date(midnight.getTime() + 30 * 60_000).toISOString());
};

/** The drift announcements about the pointers' shares and policies. */
const doorDrifts = () =>
  cloud.installed.fakes.sns.messages
    .filter(
      (m) =>
        m.attributes.event === 'drift-found' &&
        ['pointer-share', 'pointer-policy'].some((kind) => m.message.includes(`"resource":"${kind}"`)),
    )
    .map((m) => ({ severity: m.attributes.severity, message: m.message }));

/** The ledger's records of those drifts: a share's in the factory's partition, a pointer's in its image's. */
const doorRecords = async () => [
  ...(await ledgerItems(cloud, 'DRIFT#pointer-share#', 'FACTORY#audit')),
  ...(await ledgerItems(cloud, 'DRIFT#pointer-policy#')),
];

const policyReads = () => cloud.installed.stats.apiCalls['ssm:GetResourcePolicies'] ?? 0;

beforeAll(async () => {
  cloud = await startOperatorCloud(operatorCatalog([REGION], devThenProdSoakingAnHour(), {}), '2027-03-01T00:00:00Z');
  cloud.rolePolicies.set(ATTACKER_ROLE, [
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['ram:*', 'ssm:PutResourcePolicy', 'ssm:GetResourcePolicies'], Resource: '*' },
      ],
    },
  ]);
  insider = cloud.installed.fakes.organizations.accountsUnder('ou-x1y2-prd00001')[0] ?? '';
  await releaseOpenssl(cloud, '3.0.1');
  await cloud.clock.run('2027-02-04T09:00:00Z');
}, 240_000);

afterAll(() => cloud?.stop());

describe("attack: the dev pointer given to accounts of one's own through RAM and a resource policy", () => {
  it('a week of clean audits reads every shared pointer’s policies once, on the sweep day, and finds nothing', async () => {
    expect(await pointerOf('dev')).toBe('1.0.0/1');
    const reads: number[] = [];
    for (let day = 0; day < 7; day++) {
      const before = policyReads();
      await pastNextAudit();
      reads.push(policyReads() - before);
    }
    // One GetResourcePolicies per pointer the channels' shares hold (dev's, and prod's once promoted), on the day of
    // the policies' sweep (`monitoring.pointerPolicySweepEvery`, 28 days) alone: no event said a policy changed, and
    // RAM lists no pointer outside its channel's share.
    expect(reads.filter((n) => n > 0)).toEqual([expect.any(Number)]);
    expect(Math.max(...reads)).toBeGreaterThanOrEqual(1);
    expect(doorDrifts()).toEqual([]);
    expect(await ledgerItems(cloud, 'DRIFT#pointer-share#', 'FACTORY#audit')).toEqual([]);
  }, 120_000);

  it('an account associated with the share loses it at the next audit, one named in a policy on the pointer within minutes', async () => {
    expect(insider).toMatch(/^\d{12}$/);
    const shares = await runAs(ATTACKER, () =>
      ramClient(REGION).send(new GetResourceSharesCommand({ resourceOwner: 'SELF', name: SHARE })),
    );
    const resourceShareArn = shares.resourceShares?.[0]?.resourceShareArn ?? '';
    await runAs(ATTACKER, () =>
      ramClient(REGION).send(new AssociateResourceShareCommand({ resourceShareArn, principals: [insider] })),
    );
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Mine', Effect: 'Allow', Principal: { AWS: STRANGER }, Action: 'ssm:GetParameter', Resource: POINTER },
      ],
    };
    await runAs(ATTACKER, () =>
      ssmClient(REGION).send(new PutResourcePolicyCommand({ ResourceArn: POINTER, Policy: JSON.stringify(policy) })),
    );
    expect([reads(insider), reads(STRANGER)]).toEqual([true, true]);

    // CloudTrail's PutResourcePolicy event reaches the audit, which reads that pointer's policies back.
    await cloud.clock.run(new Date(cloud.clock.now() + 10 * 60_000).toISOString());
    expect([reads(insider), reads(STRANGER)]).toEqual([true, false]);

    await pastNextAudit();

    expect([reads(insider), reads(STRANGER)]).toEqual([false, false]);
    const left = await ssmClient(REGION).send(new GetResourcePoliciesCommand({ ResourceArn: POINTER }));
    expect(left.Policies ?? []).toEqual([]);
    const drifts = doorDrifts();
    expect(drifts).toHaveLength(2);
    expect(drifts.every((d) => d.severity === 'critical')).toBe(true);
    const share = drifts.find((d) => d.message.includes('"resource":"pointer-share"'))?.message ?? '';
    expect([share.includes(SHARE), share.includes(REGION), share.includes(insider)]).toEqual([true, true, true]);
    const onPointer = drifts.find((d) => d.message.includes('"resource":"pointer-policy"'))?.message ?? '';
    expect([onPointer.includes(SHARE), onPointer.includes(REGION), onPointer.includes(STRANGER)]).toEqual([
      true,
      true,
      true,
    ]);
    expect((await doorRecords()).map((r) => Boolean(r.repairedAt))).toEqual([true, true]);
  }, 120_000);

  it('the audit after the repair finds nothing more: the two drifts stay the only ones, both repaired', async () => {
    await pastNextAudit();
    expect(doorDrifts()).toHaveLength(2);
    expect((await doorRecords()).map((r) => Boolean(r.repairedAt))).toEqual([true, true]);
  }, 120_000);

  it('a share opened to external principals is announced critical with the command that closes it, left as it is', async () => {
    const shares = await runAs(ATTACKER, () =>
      ramClient(REGION).send(new GetResourceSharesCommand({ resourceOwner: 'SELF', name: SHARE })),
    );
    const resourceShareArn = shares.resourceShares?.[0]?.resourceShareArn ?? '';
    await runAs(ATTACKER, () =>
      ramClient(REGION).send(new UpdateResourceShareCommand({ resourceShareArn, allowExternalPrincipals: true })),
    );

    await pastNextAudit();

    const open = doorDrifts().filter((d) => d.message.includes('allows external principals'));
    expect(open.map((d) => d.severity)).toEqual(['critical']);
    expect(open[0]?.message).toContain(
      `aws ram update-resource-share --region ${REGION} --resource-share-arn ${resourceShareArn} --no-allow-external-principals`,
    );
  }, 120_000);
});
