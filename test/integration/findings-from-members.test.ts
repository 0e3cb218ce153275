import { readFileSync } from 'node:fs';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { organizationsClient } from '../../aws/clients/organizations.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { raiseInstanceFinding } from '../../local/simulator/inspector-findings.js';
import { notificationsOf } from '../../local/simulator/report-notifications.js';
import { invokeFunctionAs } from '../../local/trust/lambda-invoke.js';
import { devThenProdSoakingAnHour } from '../scenarios/helpers.js';
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
 * "Inspector2 Finding" as the factory receives it as Inspector's delegated administrator: on the factory's default
 * bus, about an instance of `account` launched from base 1.0.0/1's AMI, with `pkg` vulnerable.
 */
function memberFinding(account: string, pkg: { name: string; version: string; release?: string }, id: string) {
  const sample = JSON.parse(
    readFileSync(new URL('../../events/samples/inspector-finding.json', import.meta.url), 'utf8'),
  );
  const build = [...cloud.installed.fakes.imagebuilder.builds.values()].find((b) => b.arn.endsWith('/1.0.0/1'));
  const ami = build?.amis.find((a) => a.region === 'us-east-1')?.image;
  if (!ami) throw new Error('base 1.0.0/1 has no AMI in us-east-1');
  sample.id = id;
  sample.account = ACCOUNT;
  sample.region = 'us-east-1';
  sample.time = cloud.clock.iso().replace(/\.\d{3}Z$/, 'Z');
  sample.detail.awsAccountId = account;
  sample.detail.findingArn = `arn:aws:inspector2:us-east-1:${account}:finding/${id}`;
  sample.detail.severity = 'CRITICAL';
  sample.detail.status = 'ACTIVE';
  sample.detail.packageVulnerabilityDetails.vulnerabilityId = `CVE-2027-${id}`;
  sample.detail.packageVulnerabilityDetails.vulnerablePackages = [{ ...pkg, epoch: 0, packageManager: 'OS' }];
  sample.detail.resources[0].region = 'us-east-1';
  sample.detail.resources[0].details.awsEc2Instance.imageId = ami;
  return sample;
}

const BROAD_INVOKER = `arn:aws:iam::${ACCOUNT}:role/deploy-automation`;
const INVOKE_ANYTHING = [
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }] },
];

function functionArn(handler: string): string {
  for (const [arn, f] of cloud.wiring.functions) if (f.handler === handler) return arn;
  throw new Error(`no function ${handler}`);
}

/** "EC2 Image Builder CVE Detected" for a build, with `critical` findings counted. */
function cveDetected(buildArn: string, pipelineArn: string, critical: number) {
  return {
    version: '0',
    id: `cve-${critical}`,
    'detail-type': 'EC2 Image Builder CVE Detected',
    source: 'aws.imagebuilder',
    account: ACCOUNT,
    time: cloud.clock.iso().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [buildArn, pipelineArn],
    detail: {
      'resource-id': 'i-0123456789abcdef0',
      'finding-severity-counts': { all: critical, critical, high: 0, medium: 0 },
    },
  };
}

beforeAll(async () => {
  // base, dev then prod, each soaking an hour; 1.0.0/1 built on openssl 3.0.1 and soaking in dev.
  cloud = await startOperatorCloud(
    operatorCatalog(['us-east-1'], devThenProdSoakingAnHour(), {}),
    '2027-02-10T00:00:00Z',
  );
  const accounts = await organizationsClient().send(new ListAccountsCommand({}));
  member = accounts.Accounts?.map((a) => a.Id ?? '').find((id) => id !== ACCOUNT && id !== '') ?? '';
  await releaseOpenssl(cloud, '3.0.1');
}, 180_000);

afterAll(() => cloud?.stop());

describe("findings on a member account's instance of a promoted image", () => {
  it('a package the team installed later: a fleet finding, announced once; no soak abort, revoke or rebuild', async () => {
    // Run until 1.0.0/1 is promoted to dev and soaking there.
    for (let i = 0; i < 48 && (await pointerOf('dev')) !== '1.0.0/1'; i++) {
      await cloud.clock.run(new Date(cloud.clock.now() + 15 * 60_000).toISOString());
    }
    expect(await pointerOf('dev')).toBe('1.0.0/1');
    // on-image-event recorded the build's package inventory when it was AVAILABLE.
    expect(await items('INVENTORY#1.0.0/1#')).toEqual([expect.objectContaining({ part: 0, parts: 1, count: 7 })]);

    // The attack: an old libxml2 installed on a member's instance, found CRITICAL; Inspector updates it twice.
    for (const n of ['0001', '0001']) {
      raiseInstanceFinding(cloud, memberFinding(member, { name: 'libxml2', version: '2.9.1' }, n));
      await cloud.clock.run(new Date(cloud.clock.now() + 60_000).toISOString());
    }
    await cloud.clock.run(new Date(cloud.clock.now() + 6 * 3_600_000).toISOString());

    // The soak ran out and 1.0.0/1 went on to prod; nothing counts against it.
    expect(await pointerOf('prod')).toBe('1.0.0/1');
    expect(await items('FINDINGS#1.0.0/1#')).toEqual([]);
    expect(await items('REVOCATION#1.0.0/1')).toEqual([]);
    expect(await items('OUTOFCYCLE#1.0.0/1')).toEqual([]);
    const fleet = await items('FLEET#1.0.0/1#');
    expect(fleet).toEqual([expect.objectContaining({ account: member, packages: ['libxml2 2.9.1'] })]);
    const announced = notificationsOf(cloud).filter((n) => n.event === 'fleet-finding');
    expect(announced).toHaveLength(1);
    expect(notificationsOf(cloud).filter((n) => n.event === 'aborted' || n.event === 'revoked')).toEqual([]);
  }, 120_000);

  it('a forged finding invoked directly (one Inspector does not hold) is refused and changes nothing', async () => {
    // The attacker writes a CRITICAL finding on openssl as built, on the factory's own instance, and invokes
    // on-finding with it as a role allowed to invoke anything: the event would count if it were believed.
    const forged = memberFinding(ACCOUNT, { name: 'openssl', version: '3.0.8', release: '1.amzn2023.0.18' }, '9001');
    const reply = await invokeFunctionAs(cloud, {
      as: BROAD_INVOKER,
      identityPolicies: INVOKE_ANYTHING,
      functionArn: functionArn('functions/on-finding.handler'),
      payload: forged,
    });
    expect(reply).toMatchObject({
      status: 200,
      result: { action: 'refused', reason: expect.stringContaining('Inspector lists no finding') },
    });
    // A forged scan: fifty CRITICAL findings on the build, which Image Builder does not list.
    const build = [...cloud.installed.fakes.imagebuilder.builds.values()].find((b) => b.arn.endsWith('/1.0.0/1'));
    const scan = await invokeFunctionAs(cloud, {
      as: BROAD_INVOKER,
      identityPolicies: INVOKE_ANYTHING,
      functionArn: functionArn('functions/on-finding.handler'),
      payload: cveDetected(build?.arn ?? '', build?.pipeline.arn ?? '', 50),
    });
    expect(scan).toMatchObject({
      status: 200,
      result: { action: 'ignored', reason: expect.stringContaining('lists no scan findings') },
    });
    expect(await items('FINDINGS#1.0.0/1#')).toEqual([]);
    expect(await items('REVOCATION#1.0.0/1')).toEqual([]);
  }, 60_000);

  it("a real finding whose event was rewritten counts as Inspector holds it: the owner's package, not the image's", async () => {
    // Inspector holds a finding on libxml2 (installed later by the team); a copy of its event names openssl instead.
    const real = memberFinding(member, { name: 'libxml2', version: '2.9.1' }, '0003');
    raiseInstanceFinding(cloud, real);
    await cloud.clock.run(new Date(cloud.clock.now() + 60_000).toISOString());
    const rewritten = structuredClone(real);
    rewritten.detail.packageVulnerabilityDetails.vulnerablePackages = [
      { name: 'openssl', version: '3.0.8', release: '1.amzn2023.0.18', epoch: 0, packageManager: 'OS' },
    ];
    const reply = await invokeFunctionAs(cloud, {
      as: BROAD_INVOKER,
      identityPolicies: INVOKE_ANYTHING,
      functionArn: functionArn('functions/on-finding.handler'),
      payload: rewritten,
    });
    expect(reply).toMatchObject({ status: 200, result: { action: 'fleet', account: member } });
    expect(await items('FINDINGS#1.0.0/1#')).toEqual([]);
    expect(await items('REVOCATION#1.0.0/1')).toEqual([]);
  }, 60_000);

  it("a package the image was built with, on a member's instance, counts: a revocation is requested", async () => {
    // openssl at the version Image Builder listed for the build (local/fakes DEFAULT_PACKAGES).
    raiseInstanceFinding(
      cloud,
      memberFinding(member, { name: 'openssl', version: '3.0.8', release: '1.amzn2023.0.18' }, '0002'),
    );
    await cloud.clock.run(new Date(cloud.clock.now() + 60_000).toISOString());

    expect(await items('FINDINGS#1.0.0/1#')).toEqual([expect.objectContaining({ severity: 'CRITICAL' })]);
    expect(await items('REVOCATION#1.0.0/1')).toEqual([expect.objectContaining({ state: 'requested' })]);
    expect(await items('INVENTORY#1.0.0/1#')).toEqual([
      expect.objectContaining({ parts: 1, packages: expect.stringContaining('openssl\t1:3.0.8-1.amzn2023.0.18') }),
    ]);
  }, 120_000);
});
