import { readFileSync } from 'node:fs';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { organizationsClient } from '../../aws/clients/organizations.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import type { ChannelInput } from '../scenarios/helpers.js';
import { ACCOUNT, operatorCatalog, pointerOf, releaseOpenssl, startOperatorCloud } from './operator-helpers.js';

/** A local cloud whose base image is distributed to eu-west-1 besides the home Region, and a member account of it. */
export interface TwoRegionCloud {
  cloud: LocalCloud;
  member: string;
}

/**
 * Starts a cloud (its scenario ending at `until`) with base in us-east-1 and eu-west-1 on `channels`, releases openssl
 * 3.0.1 and runs until base 1.0.0/1 is on dev (twelve virtual hours at most).
 */
export async function startTwoRegionCloud(channels: ChannelInput[], until: string): Promise<TwoRegionCloud> {
  const cloud = await startOperatorCloud(operatorCatalog(['us-east-1', 'eu-west-1'], channels, {}), until);
  const accounts = await organizationsClient().send(new ListAccountsCommand({}));
  const member = accounts.Accounts?.map((a) => a.Id ?? '').find((id) => id !== ACCOUNT && id !== '') ?? '';
  await releaseOpenssl(cloud, '3.0.1');
  const later = (minutes: number) => new Date(cloud.clock.now() + minutes * 60_000).toISOString();
  for (let i = 0; i < 48 && (await pointerOf('dev')) !== '1.0.0/1'; i++) await cloud.clock.run(later(15));
  return { cloud, member };
}

/** The ledger items of partition `pk` (default base's) whose sort key starts with `prefix`. */
export async function ledgerItems(
  cloud: LocalCloud,
  prefix: string,
  pk = 'IMAGE#base',
): Promise<Record<string, unknown>[]> {
  const out = await documentClient().send(
    new QueryCommand({
      TableName: cloud.wiring.tables[0]?.name ?? '',
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
    }),
  );
  return out.Items ?? [];
}

/**
 * An "Inspector2 Finding" of `severity` in eu-west-1 (a distribution Region, not the home Region) on the member's
 * instance launched from base 1.0.0/1's eu-west-1 AMI: `pkg` vulnerable (by default openssl as the image was built
 * with).
 */
export function findingInEuWest1(
  { cloud, member }: TwoRegionCloud,
  id: string,
  severity: 'CRITICAL' | 'HIGH',
  pkg = { name: 'openssl', version: '3.0.8', release: '1.amzn2023.0.18' },
) {
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
  sample.detail.severity = severity;
  sample.detail.status = 'ACTIVE';
  sample.detail.packageVulnerabilityDetails.vulnerabilityId = `CVE-2027-${id}`;
  sample.detail.packageVulnerabilityDetails.vulnerablePackages = [{ ...pkg, epoch: 0, packageManager: 'OS' }];
  sample.detail.resources[0].region = 'eu-west-1';
  sample.detail.resources[0].details.awsEc2Instance.imageId = ami;
  return sample;
}
