import { readFileSync } from 'node:fs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { historyOf } from '../../cli/operator/ledger-history.js';
import type { Catalog } from '../../core/config/schema.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { inspectorFindingsRole, inspectorFindingsRoleArnOf } from '../../local/simulator/inspector-administrator.js';
import { raiseInstanceFinding } from '../../local/simulator/inspector-findings.js';
import { invokeFunctionAs } from '../../local/trust/lambda-invoke.js';
import { devChannel, prodChannel } from '../scenarios/helpers.js';
import {
  ACCOUNT,
  functionArnOf,
  operatorCatalog,
  pointerOf,
  releaseOpenssl,
  startOperatorCloud,
} from './operator-helpers.js';

/**
 * A security account, not the factory, is Inspector's delegated administrator (`organization.inspectorAdministrator`):
 * members' findings reach the factory only as the security account forwards their events, and only the security
 * account lists them. Every channel revokes on a new critical finding (`revokeOn`). A member's critical finding on a
 * package base 1.0.0/1 was built with, on an instance launched from its AMI, must revoke it exactly as when the factory
 * is the administrator, read through the role the security account grants; without that role, on-finding fails with
 * an error that says what to deploy, and nothing is decided on the event's word.
 */

const SECURITY = '444455556666';

let cloud: LocalCloud;
let member: string;

const minutes = (n: number) => new Date(cloud.clock.now() + n * 60_000).toISOString();

/** The catalog: base in us-east-1, dev then prod, each revoking on a new critical finding; the security account. */
function securityCatalog(): Catalog {
  const vulnerabilities = { maxCritical: 1, maxHigh: 5, revokeOn: ['critical' as const] };
  const catalog = operatorCatalog(
    ['us-east-1'],
    [devChannel({ vulnerabilities }), prodChannel({ vulnerabilities })],
    {},
  );
  return { ...catalog, organization: { ...catalog.organization, inspectorAdministrator: SECURITY } };
}

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

/** The lines `history base` prints for the ledger as it is now. */
async function history(): Promise<string[]> {
  const out = await documentClient().send(
    new QueryCommand({
      TableName: cloud.wiring.tables[0]?.name ?? '',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'IMAGE#base' },
    }),
  );
  return historyOf(out.Items ?? [], undefined, ['dev', 'prod']).map((e) => `${e.version ?? ''} ${e.what}`);
}

/**
 * "Inspector2 Finding" as the security account's forwarding rule delivers it to the factory's default bus: CRITICAL,
 * about an instance of `account` launched from base 1.0.0/1's AMI, on openssl at the version the image was built with.
 */
function memberFinding(account: string, id: string) {
  const sample = JSON.parse(
    readFileSync(new URL('../../events/samples/inspector-finding.json', import.meta.url), 'utf8'),
  );
  const build = [...cloud.installed.fakes.imagebuilder.builds.values()].find((b) => b.arn.endsWith('/1.0.0/1'));
  const ami = build?.amis.find((a) => a.region === 'us-east-1')?.image;
  if (!ami) throw new Error('base 1.0.0/1 has no AMI in us-east-1');
  sample.id = id;
  sample.account = SECURITY;
  sample.region = 'us-east-1';
  sample.time = cloud.clock.iso().replace(/\.\d{3}Z$/, 'Z');
  sample.detail.awsAccountId = account;
  sample.detail.findingArn = `arn:aws:inspector2:us-east-1:${account}:finding/${id}`;
  sample.detail.severity = 'CRITICAL';
  sample.detail.status = 'ACTIVE';
  sample.detail.packageVulnerabilityDetails.vulnerabilityId = `CVE-2027-${id}`;
  sample.detail.packageVulnerabilityDetails.vulnerablePackages = [
    { name: 'openssl', version: '3.0.8', release: '1.amzn2023.0.18', epoch: 0, packageManager: 'OS' },
  ];
  sample.detail.resources[0].region = 'us-east-1';
  sample.detail.resources[0].details.awsEc2Instance.imageId = ami;
  return sample;
}

/** The findings role as the security account's stack deploys it. */
function deployedRole() {
  const arn = inspectorFindingsRoleArnOf(cloud.wiring);
  if (!arn) throw new Error('on-finding names no findings role');
  return inspectorFindingsRole(arn, ACCOUNT, cloud.catalog.organization.id);
}

beforeAll(async () => {
  cloud = await startOperatorCloud(securityCatalog(), '2027-02-10T00:00:00Z');
  member = cloud.installed.fakes.organizations.accountIds().find((id) => id !== ACCOUNT && id !== SECURITY) as string;
  await releaseOpenssl(cloud, '3.0.1');
  for (let i = 0; i < 48 && (await pointerOf('prod')) !== '1.0.0/1'; i++) await cloud.clock.run(minutes(15));
}, 240_000);

afterAll(() => cloud?.stop());

describe("a member's finding when a security account is Inspector's delegated administrator", () => {
  it('the security account is in the organization, outside the channels, and holds the role the template declares', () => {
    expect(cloud.installed.fakes.organizations.isMember(SECURITY)).toBe(true);
    expect(cloud.installed.fakes.inspector2.administrator).toBe(SECURITY);
    expect(cloud.installed.fakes.memberAccess.roleArns()).toContain(
      `arn:aws:iam::${SECURITY}:role/goldsmith-local-inspector-findings`,
    );
  });

  it('without the role, on-finding fails saying what to deploy, and nothing is recorded on the event’s word', async () => {
    expect(await pointerOf('prod')).toBe('1.0.0/1');
    cloud.installed.fakes.memberAccess.removeRole(deployedRole().arn);
    const finding = memberFinding(member, '0001');
    raiseInstanceFinding(cloud, finding);
    await cloud.clock.run(minutes(10));

    expect(await items('FINDINGS#1.0.0/1#')).toEqual([]);
    expect(await items('REVOCATION#1.0.0/1')).toEqual([]);
    expect(await pointerOf('prod')).toBe('1.0.0/1');
    // What the function answers to a direct invocation of the same event: the administrator, the cause, the fix.
    const reply = await invokeFunctionAs(cloud, {
      as: `arn:aws:iam::${ACCOUNT}:role/deploy-automation`,
      identityPolicies: [
        { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }] },
      ],
      functionArn: functionArnOf(cloud, 'functions/on-finding.handler'),
      payload: finding,
    });
    expect(reply).toMatchObject({
      status: 200,
      functionError: 'Unhandled',
      errorType: 'InspectorAdministratorRefusedError',
    });
    const message = 'errorMessage' in reply ? reply.errorMessage : '';
    expect(message).toContain(`Inspector's delegated administrator ${SECURITY}`);
    expect(message).toContain('sts:AssumeRole');
    expect(message).toContain('docs/templates/inspector-findings-role.json');
  }, 120_000);

  it('with the role deployed, the same finding revokes the version at once (revokeOn) and rebuilds it', async () => {
    cloud.installed.fakes.memberAccess.defineRole(deployedRole());
    const assumed = cloud.installed.stats.apiCalls['sts:AssumeRole'] ?? 0;
    // Inspector updates the finding (a rescan): its event is forwarded again.
    raiseInstanceFinding(cloud, memberFinding(member, '0001'));
    await cloud.clock.run(minutes(10));

    expect(cloud.installed.stats.apiCalls['sts:AssumeRole'] ?? 0).toBeGreaterThan(assumed);
    expect(await items('FINDINGS#1.0.0/1#')).toEqual([expect.objectContaining({ severity: 'CRITICAL' })]);
    const lines = await history();
    expect(lines).toContain(
      "1.0.0/1 revoked by goldsmith (vulnerabilities.revokeOn): 1 new critical finding; dev's revokeOn names critical",
    );
    expect(await pointerOf('prod')).not.toBe('1.0.0/1');
    expect(lines).toContain('1.0.0/2 build requested (cve)');
  }, 120_000);
});
