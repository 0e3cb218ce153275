import { readFileSync } from 'node:fs';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { organizationsClient } from '../../aws/clients/organizations.js';
import type { BusRule } from '../../local/eventbridge/bus.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { raiseInstanceFinding } from '../../local/simulator/inspector-findings.js';
import { notificationsOf } from '../../local/simulator/report-notifications.js';
import { devChannel, prodChannel } from '../scenarios/helpers.js';
import { ACCOUNT, operatorCatalog, pointerOf, releaseOpenssl, startOperatorCloud } from './operator-helpers.js';

let cloud: LocalCloud;
let member: string;

/** The ledger items of base whose sort key starts with `prefix`. */
async function items(prefix: string): Promise<Record<string, unknown>[]> {
  const out = await documentClient().send(
    new QueryCommand({
      TableName: cloud.wiring.tables[0]?.name ?? '',
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':p': prefix },
    }),
  );
  return out.Items ?? [];
}

/**
 * A CRITICAL "Inspector2 Finding" in eu-west-1 (a distribution Region, not the home Region) on a member's instance
 * launched from base 1.0.0/1's eu-west-1 AMI: `pkg` vulnerable (by default openssl as the image was built with).
 */
function findingInEuWest1(id: string, pkg = { name: 'openssl', version: '3.0.8', release: '1.amzn2023.0.18' }) {
  const sample = JSON.parse(
    readFileSync(new URL('../../events/samples/inspector-finding.json', import.meta.url), 'utf8'),
  );
  const build = [...cloud.installed.fakes.imagebuilder.builds.values()].find((b) => b.arn.endsWith('/1.0.0/1'));
  const ami = build?.amis.find((a) => a.region === 'eu-west-1')?.image;
  if (!ami) throw new Error('base 1.0.0/1 has no AMI in eu-west-1');
  sample.id = id;
  sample.account = ACCOUNT;
  sample.region = 'eu-west-1';
  sample.time = cloud.clock.iso().replace(/\.\d{3}Z$/, 'Z');
  sample.detail.awsAccountId = member;
  sample.detail.findingArn = `arn:aws:inspector2:eu-west-1:${member}:finding/${id}`;
  sample.detail.severity = 'CRITICAL';
  sample.detail.status = 'ACTIVE';
  sample.detail.packageVulnerabilityDetails.vulnerabilityId = `CVE-2027-${id}`;
  sample.detail.packageVulnerabilityDetails.vulnerablePackages = [{ ...pkg, epoch: 0, packageManager: 'OS' }];
  sample.detail.resources[0].region = 'eu-west-1';
  sample.detail.resources[0].details.awsEc2Instance.imageId = ami;
  return sample;
}

const minutes = (n: number) => new Date(cloud.clock.now() + n * 60_000).toISOString();

beforeAll(async () => {
  // base in the home Region (us-east-1) and eu-west-1; dev revokes at once on a CRITICAL finding.
  const channels = [
    devChannel({ soak: '1h', vulnerabilities: { maxCritical: 0, maxHigh: 5, revokeOn: ['critical'] } }),
    prodChannel({ soak: '1h' }),
  ];
  cloud = await startOperatorCloud(operatorCatalog(['us-east-1', 'eu-west-1'], channels, {}), '2027-02-10T00:00:00Z');
  const accounts = await organizationsClient().send(new ListAccountsCommand({}));
  member = accounts.Accounts?.map((a) => a.Id ?? '').find((id) => id !== ACCOUNT && id !== '') ?? '';
  await releaseOpenssl(cloud, '3.0.1');
  for (let i = 0; i < 48 && (await pointerOf('dev')) !== '1.0.0/1'; i++) await cloud.clock.run(minutes(15));
}, 180_000);

afterAll(() => cloud?.stop());

describe('findings in a distribution Region other than the home Region', () => {
  it('the stacks forward eu-west-1 findings (and its change events) to the home default bus, only from eu-west-1', () => {
    const forwarding = cloud.wiring.rules.filter((r) => r.region !== undefined);
    expect(forwarding.map((r) => [r.region, r.ruleName, r.eventBusName, r.targets])).toEqual([
      [
        'eu-west-1',
        'local-goldsmith-findings-to-home',
        'default',
        [`arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`],
      ],
      [
        'eu-west-1',
        'local-goldsmith-changes-to-home',
        'default',
        [`arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`],
      ],
    ]);
  });

  it('without the forwarding rules, a finding in eu-west-1 never reaches on-finding', async () => {
    expect(await pointerOf('dev')).toBe('1.0.0/1');
    // The deploy without the forwarding: its rules taken out of the running cloud, put back afterwards.
    const removed: BusRule[] = [];
    for (let i = cloud.wiring.rules.length - 1; i >= 0; i--) {
      if (cloud.wiring.rules[i]?.region !== undefined) removed.push(...cloud.wiring.rules.splice(i, 1));
    }
    try {
      raiseInstanceFinding(cloud, findingInEuWest1('0100'));
      await cloud.clock.run(minutes(10));
      expect(await items('FINDINGS#1.0.0/1#')).toEqual([]);
      expect(await items('REVOCATION#1.0.0/1')).toEqual([]);
      expect(await pointerOf('dev')).toBe('1.0.0/1');
    } finally {
      cloud.wiring.rules.push(...removed);
    }
  }, 60_000);

  it("a package the team installed on a member's eu-west-1 instance: a fleet notice naming eu-west-1", async () => {
    raiseInstanceFinding(cloud, findingInEuWest1('0102', { name: 'libxml2', version: '2.9.1', release: '1' }));
    await cloud.clock.run(minutes(10));
    expect(await items('FLEET#1.0.0/1#')).toEqual([
      expect.objectContaining({ account: member, region: 'eu-west-1', packages: ['libxml2 2.9.1'] }),
    ]);
    expect(notificationsOf(cloud).filter((n) => n.event === 'fleet-finding')).toHaveLength(1);
    expect(await items('FINDINGS#1.0.0/1#')).toEqual([]);
  }, 60_000);

  it("a CRITICAL finding on a member's eu-west-1 instance reaches on-finding and revokes as revokeOn says", async () => {
    raiseInstanceFinding(cloud, findingInEuWest1('0101'));
    await cloud.clock.run(minutes(10));

    // Read back from Inspector in eu-west-1 (the finding's Region) and counted against the version.
    expect(await items('FINDINGS#1.0.0/1#')).toEqual([
      expect.objectContaining({ severity: 'CRITICAL', findingId: 'CVE-2027-0101' }),
    ]);
    expect(await items('REVOCATION#1.0.0/1')).toEqual([expect.objectContaining({ image: 'base' })]);
    // revokeOn: revoked at once; the dev pointer no longer names it.
    expect(notificationsOf(cloud).filter((n) => n.event === 'revoked')).not.toEqual([]);
    expect(await pointerOf('dev')).not.toBe('1.0.0/1');
  }, 120_000);
});
