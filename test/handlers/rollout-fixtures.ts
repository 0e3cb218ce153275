import { PublishCommand } from '@aws-sdk/client-sns';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { recordPointerMove } from '../../aws/promotion/pointer-history.js';
import { readRollout } from '../../aws/rollout/rollout-ledger.js';
import { parseCatalog } from '../../core/config/catalog.js';
import type { RolloutRecord } from '../../core/rollout/record.js';
import { forgetOrganization } from '../../functions/sharing/channel-targets.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { exampleCatalog, exampleFiles } from '../unit/config/helpers.js';
import { answer } from './rollout-answers.js';
import {
  AMI,
  asg,
  CANARY,
  cfn,
  cw,
  ec2,
  INPUT,
  memberOf,
  org,
  PRD1,
  PRD2,
  REGION,
  sns,
  sts,
  stubMembers,
  world,
} from './rollout-members.js';

export * from './rollout-members.js';

/** What the notifications topic was given: each announcement's event, and its wave or group. */
export function published(): string[] {
  return sns.commandCalls(PublishCommand).map((c) => {
    const n = JSON.parse(JSON.parse(c.args[0].input.Message ?? '{}').default) as {
      event: string;
      detail: { wave?: string; group?: string };
    };
    return `${n.event} ${n.detail.wave ?? n.detail.group ?? ''}`.trim();
  });
}

/** The example catalog with a three-wave rollout on prod: canary account, then OU prd00001, then OU prd00002. */
export function rolloutCatalog(rollout: Record<string, unknown> = {}) {
  const input = exampleCatalog();
  input.channels[2].rollout = {
    waves: [
      { name: 'canary', accounts: [CANARY] },
      { name: 'wave-1', ous: [PRD1] },
      { name: 'rest', ous: [PRD2] },
    ],
    alarms: ['app-5xx'],
    ...rollout,
  };
  const parsed = parseCatalog(input, exampleFiles());
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.catalog;
}

/** Two waves: the canary account, then both prod OUs (WAVE1 and REST) in one wave. */
export function canaryThenBothOUs(): void {
  process.env.GOLDSMITH_CATALOG = JSON.stringify(
    rolloutCatalog({
      waves: [
        { name: 'canary', accounts: [CANARY] },
        { name: 'rest', ous: [PRD1, PRD2] },
      ],
    }),
  );
}

/** A rollout handler test's world: reset before each test, the ledger table recreated. */
export function useRolloutWorld(): void {
  stubMembers();
  const dynamo = useLocalDynamo();
  beforeEach(async () => {
    process.env.GOLDSMITH_CATALOG = JSON.stringify(rolloutCatalog());
    process.env.ROLLOUT_ROLE_NAME = 'goldsmith-test-rollout';
    process.env.LEDGER_TABLE = 'ledger';
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:goldsmith-notify';
    world.members.clear();
    world.refreshCounter = 0;
    world.started = [];
    world.alarms.clear();
    world.assumeFails.clear();
    world.startFails.clear();
    world.tamper = undefined;
    world.stackInstances.clear();
    world.roles = undefined;
    world.deletedRoles.clear();
    world.parentOf.clear();
    answer();
    await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
    forgetOrganization();
    await loadedInLedger(INPUT.version, [{ region: REGION, imageId: AMI }]);
    await movedInLedger(INPUT.channel, INPUT.version, { [REGION]: AMI });
    await pointAt(INPUT.version, AMI);
  });
  afterEach(() => {
    for (const m of [asg, cw, ec2, cfn, sts, org, sns]) m.reset();
  });
}

/** The build as LoadImage records it (`loaded` on `BUILD#<version>`), with these AMIs. */
export async function loadedInLedger(version: string, amis: { region: string; imageId: string }[]): Promise<void> {
  const loaded = { buildVersionArn: `arn:aws:imagebuilder:${REGION}:123456789012:image/base/${version}`, amis };
  await documentClient().send(
    new PutCommand({ TableName: 'ledger', Item: { pk: `IMAGE#${INPUT.image}`, sk: `BUILD#${version}`, loaded } }),
  );
}

/** The channel pointer's move to `version` as Publish records it, Region → the value Parameter Store holds. */
export async function movedInLedger(channel: string, version: string, values: Record<string, string>): Promise<void> {
  const regions = Object.entries(values).map(([region, value]) => ({
    region,
    value,
    parameterArn: `arn:aws:ssm:${region}:123456789012:parameter/goldsmith/base/${channel}`,
    parameterVersion: 1,
    principals: [],
  }));
  await recordPointerMove({ image: INPUT.image, channel, version, at: '2027-01-01T00:00:00Z', regions });
}

/** The version before the revoked one, published to prod earlier, on an AMI the groups' templates do not name. */
export const PREVIOUS = '1.0.0/2';
export const PREVIOUS_AMI = 'ami-0ddd3333eeee4444f';

/**
 * The channel's pointer as the ledger holds it now (Publish moves it before starting the rollout; a revocation moves
 * it back after marking the rollout).
 */
export async function pointAt(version: string, ami: string): Promise<void> {
  const item = { pk: 'IMAGE#base', sk: 'CHANNEL#prod', kind: 'channel', image: 'base', channel: 'prod', version };
  const amis = [{ region: REGION, imageId: ami }];
  await documentClient().send(
    new PutCommand({
      TableName: 'ledger',
      Item: { ...item, buildVersionArn: 'arn', amis, at: '2027-01-02T00:00:00Z' },
    }),
  );
}

/** The channel's pointer withdrawn (a revocation with no earlier version to go back to). */
export async function withdrawnPointer(): Promise<void> {
  await documentClient().send(
    new DeleteCommand({ TableName: 'ledger', Key: { pk: 'IMAGE#base', sk: 'CHANNEL#prod' } }),
  );
}

/** The AMI of the launch template version the group's newest refresh went to. */
export function onAmi(account: string): string | undefined {
  const m = memberOf(account);
  const newest = m.refreshes[0];
  const template = m.templates.find((t) => t.id === newest?.desired?.LaunchTemplateId);
  return template?.versions.find((v) => String(v.number) === newest?.desired?.Version)?.imageId;
}

/** The rollout record of INPUT's image, channel and version, as the ledger holds it (failing when there is none). */
export async function record(): Promise<RolloutRecord> {
  const r = await readRollout(INPUT.image, INPUT.channel, INPUT.version);
  if (!r) throw new Error('no rollout record');
  return r;
}
