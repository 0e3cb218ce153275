import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { ssmClient } from '../../aws/clients/ssm.js';
import { recordPointerShareInForce } from '../../aws/sharing/pointer-shares-held.js';
import { VirtualClock } from '../../local/clock.js';
import type { FakeService } from '../../local/fakes/common.js';
import { type InstalledFakes, installFakes } from '../../local/fakes/install.js';
import { attachFake, emptyStats } from '../../local/fakes/middleware.js';
import { Throttle } from '../../local/throttle.js';
import { localLedgerClient, recreateLedgerTable } from '../helpers/ledger-table.js';

/**
 * The policies auditor's handler tests: the SDK clients on the installed fakes and dynalite (optionally one more fake,
 * for a service `installFakes` does not hold), and what the auditor left behind — its drift records and announcements.
 */

/**
 * Points every client at `cloud`'s fakes and the ledger at dynalite; `beside` answers one more service's calls;
 * `sleep` takes the AWS edge's waits between read-backs instead of the fakes' clock.
 */
export function configureAuditClients(
  cloud: InstalledFakes,
  dynamoEndpoint: string,
  beside?: { service: string; fake: FakeService; clock: VirtualClock; accountId: string },
  sleep?: (ms: number) => Promise<void>,
): void {
  const settings = sleep ? { ...cloud.clientSettings, sleep } : cloud.clientSettings;
  const local = { accessKeyId: 'local', secretAccessKey: 'local' };
  const overrides = {
    ...settings.overrides,
    dynamodb: { endpoint: dynamoEndpoint, credentials: local, maxAttempts: 1 },
  };
  if (!beside) {
    configureClients({ ...settings, overrides });
    return;
  }
  const { clock, accountId, fake, service: besideService } = beside;
  const wiring = {
    clock,
    throttle: new Throttle(() => clock.now()),
    stats: emptyStats(),
    random: () => 0.5,
    faults: {},
  };
  configureClients({
    ...settings,
    overrides,
    decorate: (client, service, region) => {
      if (service !== besideService) return settings.decorate?.(client, service, region);
      attachFake(client, { service, region, accountId, fake, ...wiring });
    },
  });
}

/** The policy drift records the auditor wrote (`FACTORY#audit`, `DRIFT#policy#…`). */
export const policyDrifts = async () =>
  (
    await documentClient().send(
      new QueryCommand({
        TableName: 'ledger',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': 'FACTORY#audit', ':p': 'DRIFT#policy#' },
      }),
    )
  ).Items ?? [];

/** The `drift-found` announcements published to `topicArn`: severity and subject. */
export const driftAnnouncements = (cloud: InstalledFakes, topicArn: string) =>
  cloud.fakes.sns.messages
    .filter((m) => m.topicArn === topicArn && m.attributes.event === 'drift-found')
    .map((m) => ({ severity: m.attributes.severity, subject: m.subject ?? '' }));

/** A policy letting `account` read `resource` (one parameter), as someone with ssm:PutResourcePolicy would put it. */
export const readPolicy = (account: string, resource: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: account }, Action: 'ssm:GetParameter', Resource: resource }],
  });

/**
 * The pointers `names` (advanced parameters) in `region`, and the dev channel's share held by the ledger as reaching
 * `principals` with `/goldsmith/base/dev`, RAM having confirmed it at `at`.
 */
export async function heldDevPointer(
  region: string,
  account: string,
  principals: string[],
  at: Date,
  names: readonly string[] = ['/goldsmith/base/dev'],
): Promise<void> {
  for (const name of names) {
    await ssmClient(region).send(
      new PutParameterCommand({ Name: name, Value: 'ami-0abc', Type: 'String', Tier: 'Advanced' }),
    );
  }
  await recordPointerShareInForce({
    region,
    name: 'goldsmith-pointers-dev',
    resourceShareArn: `arn:aws:ram:${region}:${account}:resource-share/dev`,
    principals,
    resourceArn: `arn:aws:ssm:${region}:${account}:parameter/goldsmith/base/dev`,
    at: at.toISOString(),
  });
}

/**
 * A fresh local cloud for one audit test, at `now`: the ledger table made anew on dynalite, the notifications topic
 * made, every client pointed at both (`sleep`: as configureAuditClients takes it).
 */
export async function startAuditCloud(
  dynamoEndpoint: string,
  now: Date,
  account: string,
  notifyTopic: string,
  sleep?: (clock: VirtualClock) => (ms: number) => Promise<void>,
): Promise<{ clock: VirtualClock; cloud: InstalledFakes }> {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = notifyTopic;
  const clock = new VirtualClock(now.toISOString());
  const cloud = installFakes({ clock, accountId: account, topics: [notifyTopic] });
  await recreateLedgerTable(localLedgerClient(dynamoEndpoint));
  configureAuditClients(cloud, dynamoEndpoint, undefined, sleep?.(clock));
  return { clock, cloud };
}
