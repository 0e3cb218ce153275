import { readFileSync } from 'node:fs';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { organizationsClient } from '../../aws/clients/organizations.js';
import type { FakeCall } from '../../local/fakes/common.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { raiseInstanceFinding } from '../../local/simulator/inspector-findings.js';
import { devThenProdSoakingAnHour } from '../scenarios/helpers.js';
import { ACCOUNT, operatorCatalog, pointerOf, releaseOpenssl, startOperatorCloud } from './operator-helpers.js';

/**
 * The attack (a principal of the factory account allowed to use Image Builder for its own work): another team's
 * pipeline `team-x`, recipe version 1.0.0, builds images tagged `goldsmith:image=base`. Image Builder puts their
 * "Image State Change" events on the default bus, which on-image-event reads unfiltered. Were a build taken as
 * base's by its tag or its version alone, it would take base 1.0.0/1's place in the ledger (and blind on-finding to
 * the real build), and pre-empt the real 1.0.0/2. A build is base's only when base's own pipeline built it.
 */

let cloud: LocalCloud;
let member: string;

const table = () => cloud.wiring.tables[0]?.name ?? '';

async function items(prefix: string): Promise<Record<string, unknown>[]> {
  const out = await documentClient().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':p': prefix },
    }),
  );
  return out.Items ?? [];
}

async function buildItem(version: string): Promise<Record<string, unknown> | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: table(), Key: { pk: 'IMAGE#base', sk: `BUILD#${version}` }, ConsistentRead: true }),
  );
  return out.Item;
}

/** A CRITICAL Inspector finding on `pkg`, on an instance of `account` launched from `ami`. */
function memberFinding(account: string, ami: string, pkg: { name: string; version: string; release?: string }) {
  const sample = JSON.parse(
    readFileSync(new URL('../../events/samples/inspector-finding.json', import.meta.url), 'utf8'),
  );
  sample.id = 'f-0002';
  sample.account = ACCOUNT;
  sample.region = 'us-east-1';
  sample.time = cloud.clock.iso().replace(/\.\d{3}Z$/, 'Z');
  sample.detail.awsAccountId = account;
  sample.detail.findingArn = `arn:aws:inspector2:us-east-1:${account}:finding/f-0002`;
  sample.detail.severity = 'CRITICAL';
  sample.detail.status = 'ACTIVE';
  sample.detail.packageVulnerabilityDetails.vulnerabilityId = 'CVE-2027-0002';
  sample.detail.packageVulnerabilityDetails.vulnerablePackages = [{ ...pkg, epoch: 0, packageManager: 'OS' }];
  sample.detail.resources[0].region = 'us-east-1';
  sample.detail.resources[0].details.awsEc2Instance.imageId = ami;
  return sample;
}

/** The attacker's build: team-x's pipeline, its images tagged goldsmith:image=base (GetImage returns the tags). */
function startForeignBuild(token: string): string {
  const ib = cloud.installed.fakes.imagebuilder;
  const pipe =
    [...ib.pipelines.values()].find((p) => p.name === 'team-x') ??
    ib.registerPipeline({
      name: 'team-x',
      recipeName: 'team-x',
      recipeVersion: '1.0.0',
      regions: ['us-east-1'],
      scanningEnabled: false,
    });
  const started = ib.handle({
    service: 'imagebuilder',
    action: 'StartImagePipelineExecution',
    input: { imagePipelineArn: pipe.arn, clientToken: token },
    body: undefined,
    region: 'us-east-1',
    accountId: ACCOUNT,
  }) as { imageBuildVersionArn: string };
  return started.imageBuildVersionArn;
}

beforeAll(async () => {
  cloud = await startOperatorCloud(
    operatorCatalog(['us-east-1'], devThenProdSoakingAnHour(), {}),
    '2027-02-10T00:00:00Z',
  );
  const accounts = await organizationsClient().send(new ListAccountsCommand({}));
  member = accounts.Accounts?.map((a) => a.Id ?? '').find((id) => id !== ACCOUNT && id !== '') ?? '';
  const ib = cloud.installed.fakes.imagebuilder;
  const original = ib.handle.bind(ib);
  ib.handle = (call: FakeCall) => {
    const out = original(call) as { image?: { arn?: string; tags?: Record<string, string> } };
    if (call.action === 'GetImage' && out.image?.arn?.includes(':image/team-x/')) {
      out.image.tags = { 'goldsmith:image': 'base' };
    }
    return out;
  };
  await releaseOpenssl(cloud, '3.0.1');
}, 180_000);

afterAll(() => cloud?.stop());

describe('a foreign Image Builder build tagged goldsmith:image=base', () => {
  it("does not take base 1.0.0/1's place in the ledger; a finding on the real build still counts", async () => {
    for (let i = 0; i < 48 && (await pointerOf('prod')) !== '1.0.0/1'; i++) {
      await cloud.clock.run(new Date(cloud.clock.now() + 15 * 60_000).toISOString());
    }
    expect(await pointerOf('prod')).toBe('1.0.0/1');
    const ib = cloud.installed.fakes.imagebuilder;
    const real = [...ib.builds.values()].find((b) => b.arn.endsWith('/1.0.0/1'));
    const realAmi = real?.amis.find((a) => a.region === 'us-east-1')?.image ?? '';
    const announced = cloud.installed.fakes.sns.messages.length;

    expect(startForeignBuild('attacker-1')).toMatch(/:image\/team-x\/1\.0\.0\/1$/);
    await cloud.clock.run(new Date(cloud.clock.now() + 2 * 3_600_000).toISOString());

    expect((await buildItem('1.0.0/1'))?.buildVersionArn).toBe(real?.arn);
    expect(
      cloud.installed.fakes.sns.messages.slice(announced).filter((m) => m.attributes.event === 'image-available'),
    ).toEqual([]);
    raiseInstanceFinding(
      cloud,
      memberFinding(member, realAmi, { name: 'openssl', version: '3.0.8', release: '1.amzn2023.0.18' }),
    );
    await cloud.clock.run(new Date(cloud.clock.now() + 60_000).toISOString());
    expect(await items('FINDINGS#1.0.0/1#')).toEqual([expect.objectContaining({ severity: 'CRITICAL' })]);
    expect(await items('REVOCATION#1.0.0/1')).toEqual([expect.objectContaining({ state: 'requested' })]);
  }, 240_000);

  it('does not pre-empt the next real builds: none is recorded as the foreign one, and they still reach dev', async () => {
    expect(startForeignBuild('attacker-2')).toMatch(/:image\/team-x\/1\.0\.0\/2$/);
    await cloud.clock.run(new Date(cloud.clock.now() + 2 * 3_600_000).toISOString());
    await releaseOpenssl(cloud, '3.0.2');
    const ib = cloud.installed.fakes.imagebuilder;
    const newestReal = () =>
      [...ib.builds.values()]
        .filter((b) => b.arn.includes(':image/goldsmith-base') && b.status === 'AVAILABLE')
        .map((b) => b.arn.split('/').slice(-2).join('/'))
        .sort((x, y) => Number(x.split('/')[1]) - Number(y.split('/')[1]))
        .at(-1);
    for (let i = 0; i < 48 && (await pointerOf('dev')) !== newestReal(); i++) {
      await cloud.clock.run(new Date(cloud.clock.now() + 15 * 60_000).toISOString());
    }
    expect(await pointerOf('dev')).toBe(newestReal());
    const builds = await items('BUILD#');
    expect(builds.filter((b) => String(b.buildVersionArn).includes('/team-x/'))).toEqual([]);
    const outcomes = await items('PROMOTION#');
    expect(outcomes.filter((o) => JSON.stringify(o).includes('team-x'))).toEqual([]);
  }, 240_000);
});
