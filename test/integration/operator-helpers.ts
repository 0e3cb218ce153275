import { getChannelPointer } from '../../aws/promotion/channel-pointers.js';
import type { Catalog } from '../../core/config/schema.js';
import { type LocalCloud, startLocalCloud } from '../../local/simulator/cloud.js';
import { scenarioSchema } from '../../local/simulator/scenario.js';
import { ciPackageUpdate, putAsSender } from '../../local/simulator/senders.js';
import {
  al2023Image,
  type ChannelInput,
  devThenProdSoakingAnHour,
  OPENSSL_RELEASES,
  orgCatalog,
  REPO_ROOT,
} from '../scenarios/helpers.js';

/** The account of the local cloud's principals. */
export const ACCOUNT = '123456789012';
/** The platform engineer, the catalog's one operator. */
export const OPERATOR = `arn:aws:iam::${ACCOUNT}:role/platform-engineer`;
/** OPERATOR's session through Goldsmith's operators' role, as the operator endpoint records the caller. */
export const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/goldsmith-local-operators/platform-engineer`;
/** ops-lead's role, an approver of the channels that name ops-lead. */
export const APPROVER = `arn:aws:iam::${ACCOUNT}:role/ops-lead`;

/** A validated catalog of one image, base, rebuilt on openssl releases; CI, OPERATOR and `approvers` have access. */
export function operatorCatalog(
  regions: string[],
  channels: ChannelInput[],
  approvers: Record<string, string[]>,
): Catalog {
  const base = al2023Image({ regions, triggers: OPENSSL_RELEASES });
  const access = { ci: [`arn:aws:iam::${ACCOUNT}:role/ci-release`], operators: [OPERATOR], approvers };
  return orgCatalog({ base }, channels, { access });
}

/** Starts the local cloud on `catalog` for a scenario from 1 February 2027 to `until`, two accounts per OU. */
export function startOperatorCloud(
  catalog: Catalog,
  until: string,
  rest: Record<string, unknown> = {},
): Promise<LocalCloud> {
  const scenario = scenarioSchema.parse({
    start: '2027-02-01T00:00:00Z',
    until,
    organization: { accountsPerOu: 2 },
    ...rest,
  });
  return startLocalCloud(catalog, scenario, REPO_ROOT);
}

/** Puts CI's package update of openssl `version` on Goldsmith's bus, as CI. */
export function releaseOpenssl(cloud: LocalCloud, version: string): Promise<void> {
  return putAsSender(cloud, { event: ciPackageUpdate(cloud, { package: 'openssl', version }), as: 'ci' });
}

/** The ARN of the local cloud's function whose handler setting is `handler` (`functions/start-builds.handler`). */
export function functionArnOf(cloud: LocalCloud, handler: string): string {
  for (const [arn, f] of cloud.wiring.functions) if (f.handler === handler) return arn;
  throw new Error(`no function ${handler}`);
}

/** The URL of the local cloud's queue whose name starts with `name` (CloudFormation appends a suffix). */
export function queueUrlOf(cloud: LocalCloud, name: string): string {
  const found = cloud.sqs.urls().find((url) => url.split('/').pop()?.startsWith(name));
  if (!found) throw new Error(`no queue ${name}`);
  return found;
}

/** The version base's `channel` pointer names, if any. */
export async function pointerOf(channel: string): Promise<string | undefined> {
  return (await getChannelPointer('base', channel))?.version;
}

/**
 * One image in one region, two channels with one-hour soaks: the cloud at 3 February 2027 09:00, with 1.0.0/1 and
 * 1.0.0/2 promoted to both (what the scheduled-revocation tests act on).
 */
export async function startTwoVersionsPromoted(): Promise<LocalCloud> {
  const cloud = await startOperatorCloud(
    operatorCatalog(['us-east-1'], devThenProdSoakingAnHour(), {}),
    '2027-03-01T00:00:00Z',
  );
  await releaseOpenssl(cloud, '3.0.1');
  await cloud.clock.run('2027-02-02T00:00:00Z');
  await releaseOpenssl(cloud, '3.0.2');
  await cloud.clock.run('2027-02-03T09:00:00Z');
  return cloud;
}

/** The cloud on 2 February 2027 with one package build of base (openssl 3.0.17) waiting for approval, approvers idle. */
export async function startWithOneBuildWaiting(catalog: Catalog): Promise<LocalCloud> {
  const cloud = await startOperatorCloud(catalog, '2027-02-10T00:00:00Z', { approvals: 'none' });
  await releaseOpenssl(cloud, '3.0.17');
  await cloud.clock.run('2027-02-02T00:00:00Z');
  return cloud;
}

/**
 * What CloudTrail puts on the default bus of us-east-1 for a call of `service` (`lambda`, `iam`), where a trail records
 * management events.
 */
export function cloudTrailCall(
  cloud: LocalCloud,
  service: string,
  eventName: string,
  requestParameters: Record<string, string>,
) {
  return {
    version: '0',
    id: `ct-${eventName}-${Object.values(requestParameters).join('-')}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${service}`,
    account: ACCOUNT,
    time: cloud.clock.iso().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [],
    detail: {
      eventVersion: '1.09',
      eventSource: `${service}.amazonaws.com`,
      eventName,
      awsRegion: 'us-east-1',
      requestParameters,
      responseElements: null,
    },
  };
}
