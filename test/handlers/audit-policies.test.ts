import { SetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { DeleteParameterCommand, DeleteParametersCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureClients } from '../../aws/clients/registry.js';
import { snsClient } from '../../aws/clients/sns.js';
import { sqsClient } from '../../aws/clients/sqs.js';
import { ssmClient } from '../../aws/clients/ssm.js';
import { doorInventory, resourcePoliciesPath } from '../../core/audit/policies.js';
import { auditResourcePolicies } from '../../functions/audit/policies.js';
import { VirtualClock } from '../../local/clock.js';
import { type InstalledFakes, installFakes } from '../../local/fakes/install.js';
import { SqsFake } from '../../local/fakes/sqs.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { configureAuditClients, driftAnnouncements, policyDrifts } from './audit-fixtures.js';

/**
 * Attack: a principal of the factory account with sns:* / sqs:* (no Goldsmith role) widens or strips a door's resource
 * policy. The daily audit of resource policies finds it against the policy the deployment wrote to Parameter Store,
 * puts the deployment's policy back, records the drift in the ledger and announces it (critical).
 */

const ACCOUNT = '123456789012';
const R = 'us-east-1';
const STAGE = 'test';
const NOW = new Date('2027-01-18T01:00:00Z');
const NOTIFY = `arn:aws:sns:${R}:${ACCOUNT}:goldsmith-${STAGE}-notifications`;
const WRITER = `arn:aws:iam::${ACCOUNT}:role/${STAGE}-goldsmith-Promotion-Publish`;
const INTRUDER = `arn:aws:iam::${ACCOUNT}:role/intruder`;
/** The deployment's inventory of doors, as the stacks give it (EXPECTED_POLICIES). */
const DOORS = doorInventory('topic/NotificationsTopic,queue/HealthDlq');

const denyAllBut = (sid: string, action: string, resource: string, roles: string[]) => ({
  Sid: sid,
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: action,
  Resource: resource,
  Condition: { ArnNotLike: { 'aws:PrincipalArn': roles } },
});
const topicPolicy = (roles: string[]) => ({
  Version: '2012-10-17',
  Statement: [
    denyAllBut('PublishOnlyByGoldsmith', 'sns:Publish', NOTIFY, roles),
    denyAllBut('SubscriptionsOnlyByDeployment', 'sns:Subscribe', NOTIFY, [
      `arn:aws:iam::${ACCOUNT}:role/cdk-*-cfn-exec-role-*`,
    ]),
  ],
});

const dynamo = useLocalDynamo();
let cloud: InstalledFakes;
let sqs: SqsFake;
let queueUrl: string;
let queueArn: string;
const queuePolicy = () => ({
  Version: '2012-10-17',
  Statement: [denyAllBut('SendOnlyByGoldsmith', 'sqs:SendMessage', queueArn, [WRITER])],
});

const drifts = policyDrifts;
const announced = () => driftAnnouncements(cloud, NOTIFY);

async function deploy(kind: 'topic' | 'queue', target: string, policy: object, id: string) {
  await ssmClient().send(
    new PutParameterCommand({
      Name: `${resourcePoliciesPath(STAGE)}${kind}/${id}`,
      Type: 'String',
      Overwrite: true,
      Value: JSON.stringify({ kind, target, policy }),
    }),
  );
  if (kind === 'topic') cloud.fakes.sns.policies.set(target, JSON.stringify(policy));
  else sqs.policies.set(target, JSON.stringify(policy));
}

beforeEach(async () => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = NOTIFY;
  const clock = new VirtualClock(NOW.toISOString());
  cloud = installFakes({ clock, accountId: ACCOUNT, topics: [NOTIFY] });
  sqs = new SqsFake(ACCOUNT, R, () => clock.now());
  queueUrl = sqs.createQueue(`${STAGE}-goldsmith-Monitoring-HealthDlq-ABC`);
  queueArn = `arn:aws:sqs:${R}:${ACCOUNT}:${STAGE}-goldsmith-Monitoring-HealthDlq-ABC`;
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  // The fakes for SNS and SSM, the SQS fake beside them, dynalite for the ledger.
  configureAuditClients(cloud, dynamo.endpoint, { service: 'sqs', fake: sqs, clock, accountId: ACCOUNT });
  await deploy('topic', NOTIFY, topicPolicy([WRITER]), 'NotificationsTopic');
  await deploy('queue', queueUrl, queuePolicy(), 'HealthDlq');
});

afterEach(() => configureClients({}));

describe("attack: a door's resource policy changed outside the deployment", () => {
  it('leaves untouched policies alone: one read of the expected policies and one per door', async () => {
    const part = await auditResourcePolicies(NOW, STAGE, DOORS);
    expect(part).toMatchObject({ checked: 2, reads: 3, findings: [], failures: [] });
    expect(announced()).toEqual([]);
  });

  it("a topic's publish door widened to an intruder and opened by a statement of their own is put back", async () => {
    const widened = topicPolicy([WRITER, INTRUDER]);
    widened.Statement.push({
      Sid: 'Open',
      Effect: 'Allow',
      Principal: { AWS: INTRUDER },
      Action: 'sns:Subscribe',
      Resource: NOTIFY,
    } as (typeof widened.Statement)[number]);
    await snsClient().send(
      new SetTopicAttributesCommand({
        TopicArn: NOTIFY,
        AttributeName: 'Policy',
        AttributeValue: JSON.stringify(widened),
      }),
    );

    const part = await auditResourcePolicies(NOW, STAGE, DOORS);

    expect(JSON.parse(cloud.fakes.sns.policies.get(NOTIFY) ?? '')).toEqual(topicPolicy([WRITER]));
    expect(part.findings).toEqual([
      expect.objectContaining({
        resource: 'topic-policy',
        found: 'statement PublishOnlyByGoldsmith changed; statement Open added',
        repaired: true,
      }),
    ]);
    expect(await drifts()).toEqual([
      expect.objectContaining({ resource: 'topic-policy', repairedAt: NOW.toISOString() }),
    ]);
    expect(announced()).toEqual([
      expect.objectContaining({ severity: 'critical', subject: expect.stringContaining(`topic-policy ${NOTIFY}`) }),
    ]);
    // Found once: the next audit finds the policy as deployed.
    expect((await auditResourcePolicies(NOW, STAGE, DOORS)).findings).toEqual([]);
  });

  it("a dead-letter queue's send door removed is put back and announced", async () => {
    const stripped = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Anyone', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: queueArn }],
    };
    await sqsClient().send(
      new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify(stripped) } }),
    );

    const part = await auditResourcePolicies(NOW, STAGE, DOORS);

    expect(JSON.parse(sqs.policies.get(queueUrl) ?? '')).toEqual(queuePolicy());
    expect(part.findings).toEqual([
      expect.objectContaining({
        resource: 'queue-policy',
        found: 'statement SendOnlyByGoldsmith removed; statement Anyone added',
        repaired: true,
      }),
    ]);
    expect(announced()).toEqual([expect.objectContaining({ severity: 'critical' })]);
  });

  it("takes principals as AWS gives them back (an account's root ARN, a deleted role's AROA id): nothing to put back", async () => {
    const allow = (AWS: unknown) => ({
      Sid: 'Writers',
      Effect: 'Allow',
      Principal: { AWS },
      Action: 'sqs:SendMessage',
      Resource: queueArn,
    });
    const written = { Version: '2012-10-17', Statement: [...queuePolicy().Statement, allow([ACCOUNT, WRITER])] };
    await deploy('queue', queueUrl, written, 'HealthDlq');
    // As SQS returns it once the writer's role is deleted: the account as its root ARN, the role as its unique id.
    const returned = {
      ...written,
      Statement: [...queuePolicy().Statement, allow([`arn:aws:iam::${ACCOUNT}:root`, 'AROAKSCDLFT9R5DQP782U'])],
    };
    sqs.policies.set(queueUrl, JSON.stringify(returned));

    const part = await auditResourcePolicies(NOW, STAGE, DOORS);

    expect(part.findings).toEqual([]);
    expect(JSON.parse(sqs.policies.get(queueUrl) ?? '')).toEqual(returned);
    expect(announced()).toEqual([]);
  });

  it("a queue's policy deleted outright (an empty Policy) is put back", async () => {
    await sqsClient().send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: '' } }));

    const part = await auditResourcePolicies(NOW, STAGE, DOORS);

    expect(part.findings).toEqual([expect.objectContaining({ found: 'no policy', repaired: true })]);
    expect(JSON.parse(sqs.policies.get(queueUrl) ?? '')).toEqual(queuePolicy());
  });

  it("a door's expected-policy parameter deleted is drift: recorded, announced critical, the other door still audited", async () => {
    const gone = `${resourcePoliciesPath(STAGE)}topic/NotificationsTopic`;
    await ssmClient().send(new DeleteParameterCommand({ Name: gone }));
    // The topic's door widened meanwhile: without its parameter the audit cannot see it, and says so.
    await snsClient().send(
      new SetTopicAttributesCommand({
        TopicArn: NOTIFY,
        AttributeName: 'Policy',
        AttributeValue: JSON.stringify(topicPolicy([WRITER, INTRUDER])),
      }),
    );

    const part = await auditResourcePolicies(NOW, STAGE, DOORS);

    expect(part).toMatchObject({ checked: 2, failures: [] });
    expect(part.findings).toEqual([
      expect.objectContaining({
        resource: 'topic-policy',
        name: gone,
        found: `the expected-policy parameter ${gone} is gone: this door is not audited`,
        repaired: false,
      }),
    ]);
    expect(await drifts()).toEqual([expect.objectContaining({ name: gone, resource: 'topic-policy' })]);
    expect(announced()).toEqual([
      expect.objectContaining({ severity: 'critical', subject: expect.stringContaining('topic-policy') }),
    ]);
    // Found again the same day: the same record, announced once.
    await auditResourcePolicies(NOW, STAGE, DOORS);
    expect(await drifts()).toHaveLength(1);
    expect(announced()).toHaveLength(1);
  });

  it('both parameters deleted in one DeleteParameters call: each door is reported missing', async () => {
    await ssmClient().send(
      new DeleteParametersCommand({
        Names: [
          `${resourcePoliciesPath(STAGE)}topic/NotificationsTopic`,
          `${resourcePoliciesPath(STAGE)}queue/HealthDlq`,
        ],
      }),
    );
    const part = await auditResourcePolicies(NOW, STAGE, DOORS);
    expect(part.findings.map((f) => f.resource).sort()).toEqual(['queue-policy', 'topic-policy']);
    expect(announced()).toHaveLength(2);
  });

  it('a malformed expected policy is refused naming the parameter and the field, and nothing is changed', async () => {
    await ssmClient().send(
      new PutParameterCommand({
        Name: `${resourcePoliciesPath(STAGE)}topic/Broken`,
        Type: 'String',
        Value: JSON.stringify({ kind: 'topic', policy: { Statement: [] } }),
      }),
    );
    await expect(auditResourcePolicies(NOW, STAGE, DOORS)).rejects.toThrow(
      `${resourcePoliciesPath(STAGE)}topic/Broken: target is missing`,
    );
    expect(await drifts()).toEqual([]);
  });
});
