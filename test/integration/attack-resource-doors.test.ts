import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateScheduleCommand } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamodbClient } from '../../aws/clients/dynamodb.js';
import { s3Client, sbomBucket } from '../../aws/clients/s3.js';
import { schedulerClient } from '../../aws/clients/scheduler.js';
import { secretsmanagerClient } from '../../aws/clients/secretsmanager.js';
import { snsClient } from '../../aws/clients/sns.js';
import { sqsClient } from '../../aws/clients/sqs.js';
import { deleteSboms, keepSboms } from '../../aws/sbom/sbom-objects.js';
import { ledgerTableName, sbomObjectKey } from '../../core/names.js';
import { SBOM_FILES, sbomDocuments } from '../../core/sbom/documents.js';
import { scheduledBuildInput } from '../../events/scheduled-build.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { notificationsOf } from '../../local/simulator/report-notifications.js';
import { runAs } from '../../local/trust/caller.js';
import type { PolicyDocument } from '../../local/trust/policies.js';
import { baseContent } from '../fixtures/sbom.js';
import { devThenProdSoakingAnHour } from '../scenarios/helpers.js';
import {
  ACCOUNT,
  functionArnOf,
  operatorCatalog,
  pointerOf,
  queueUrlOf,
  releaseOpenssl,
  startOperatorCloud,
} from './operator-helpers.js';

/**
 * Attacks on Goldsmith's side doors, made as a principal of the factory account with broad rights on one service but
 * no Goldsmith role and no lambda:InvokeFunction, through the SDK and AWS's own doors: the queues', topics' and
 * ledger's resource policies, and the Scheduler roles' trust. Each is refused and changes nothing; Goldsmith's own
 * writers still get through.
 */

const ATTACKER_ROLE = `arn:aws:iam::${ACCOUNT}:role/attacker`;
const ATTACKER = `arn:aws:sts::${ACCOUNT}:assumed-role/attacker/mallory`;
const TAGGER_ROLE = `arn:aws:iam::${ACCOUNT}:role/tagger`;
const TAGGER = `arn:aws:sts::${ACCOUNT}:assumed-role/tagger/mallory`;

let cloud: LocalCloud;

const allow = (Action: string | string[], Resource = '*', Condition?: unknown): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action, Resource, ...(Condition ? { Condition } : {}) }],
});

const functionArn = (handler: string) => functionArnOf(cloud, handler);

function roleArn(suffix: string): string {
  const found = [...cloud.rolePolicies.keys()].find((arn) => arn.endsWith(suffix));
  if (!found) throw new Error(`no role ending ${suffix}`);
  return found;
}

/** A session of `role`, as a function running with it signs. */
function sessionOf(role: string): string {
  return role.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/') + '/function';
}

const queueUrl = (name: string) => queueUrlOf(cloud, name);

/** Lambda's on-failure record for an asynchronous invocation of start-builds, carrying the sender's payload. */
function forgedFailureRecord(): string {
  return JSON.stringify({
    version: '1.0',
    timestamp: '2027-02-03T09:00:00.000Z',
    requestContext: {
      requestId: 'forged',
      functionArn: `${functionArn('functions/start-builds.handler')}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: { manual: { image: 'base', reason: 'forged' } },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'Error', errorMessage: 'forged' },
  });
}

/** What a successful attack would change: the queues, the pointers, the announcements, the builds started. */
async function state() {
  return {
    queued: cloud.sqs.urls().map((url) => cloud.sqs.depth(url)),
    dev: await pointerOf('dev'),
    notices: notificationsOf(cloud).length,
    invocations: cloud.scheduler.invocations.filter((i) => i.schedule.startsWith('default/')).length,
    builds: cloud.installed.stats.apiCalls['imagebuilder:StartImagePipelineExecution'] ?? 0,
  };
}

beforeAll(async () => {
  cloud = await startOperatorCloud(
    operatorCatalog(['us-east-1'], devThenProdSoakingAnHour(), {}),
    '2027-03-01T00:00:00Z',
  );
  cloud.rolePolicies.set(ATTACKER_ROLE, [
    allow(['sqs:*', 'sns:*', 'scheduler:*', 'secretsmanager:*', 's3:*']),
    allow('iam:PassRole', roleArn('-Triggers-SchedulerRole'), {
      StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
    }),
  ]);
  cloud.rolePolicies.set(TAGGER_ROLE, [allow(['dynamodb:*', 'sts:TagSession'])]);
  cloud.doors.principalTags.set(TAGGER_ROLE, { 'goldsmith:ledger-writer': 'true' });
  await releaseOpenssl(cloud, '3.0.1');
  await cloud.clock.run('2027-02-04T09:00:00Z');
}, 240_000);

afterAll(() => cloud?.stop());

describe("Goldsmith's queues, topics, ledger, SBOM bucket and schedules refuse an attacker inside the account", () => {
  it('has 1.0.0/1 in dev, and no write of a Goldsmith function was refused on the way', async () => {
    expect(await pointerOf('dev')).toBe('1.0.0/1');
    expect(cloud.refusedWrites).toEqual([]);
  });

  it("refuses a forged failure record sent to the triggers' dead-letter queue by a role with sqs:*", async () => {
    const before = await state();
    const send = runAs(ATTACKER, () =>
      sqsClient().send(
        new SendMessageCommand({ QueueUrl: queueUrl('TriggersDlq'), MessageBody: forgedFailureRecord() }),
      ),
    );
    await expect(send).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    // Past the daily re-drive (and the depth alarm's earlier call), which would have acted on the record.
    await cloud.clock.run('2027-02-05T10:00:00Z');
    expect(await state()).toEqual(before);
  });

  it("refuses a role with s3:* the SBOM bucket's objects: no rewrite, no read, no delete of a version's SBOM", async () => {
    const bucket = `goldsmith-local-sbom-${ACCOUNT}-us-east-1`;
    const key = 'sbom/base/1.0.0-1/cyclonedx.json';
    const kept = cloud.installed.fakes.s3.read(bucket, key);
    expect(JSON.parse(kept ?? '{}')).toMatchObject({ bomFormat: 'CycloneDX' });
    const s3 = s3Client();
    for (const call of [
      () => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '{"bomFormat":"forged"}' })),
      () => s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
      () => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })),
    ]) {
      await expect(runAs(ATTACKER, call)).rejects.toMatchObject({
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      });
    }
    expect(cloud.installed.fakes.s3.read(bucket, key)).toBe(kept);
  });

  it('refuses publishes to the notifications and approval-links topics by a role with sns:*', async () => {
    const before = await state();
    for (const topic of ['goldsmith-local-notifications', 'goldsmith-local-approval-links']) {
      const publish = runAs(ATTACKER, () =>
        snsClient().send(
          new PublishCommand({
            TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:${topic}`,
            Message: 'Approve base 1.0.0/1 for prod: https://attacker.example/approve',
            MessageAttributes: { approver: { DataType: 'String', StringValue: 'ops-lead' } },
          }),
        ),
      );
      await expect(publish, topic).rejects.toMatchObject({
        name: 'AuthorizationError',
        $metadata: { httpStatusCode: 403 },
      });
    }
    expect(await state()).toEqual(before);
  });

  it('refuses the signing keys to a role with secretsmanager:*, and gives them to the roles that sign with them', async () => {
    for (const name of ['goldsmith/local/approval-links', 'goldsmith/local/approval-decisions']) {
      const read = runAs(ATTACKER, () => secretsmanagerClient().send(new GetSecretValueCommand({ SecretId: name })));
      await expect(read, name).rejects.toMatchObject({
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      });
      await expect(read, name).rejects.toThrow(/with an explicit deny in a resource-based policy/);
    }
    const callback = sessionOf(roleArn('-Promotion-ApprovalCallback'));
    const own = await runAs(callback, () =>
      secretsmanagerClient().send(new GetSecretValueCommand({ SecretId: 'goldsmith/local/approval-links' })),
    );
    expect(own.SecretString).toHaveLength(64);
    // The link signer never reads the decision-proof key.
    const signer = sessionOf(roleArn('-Promotion-PromotionRequestApproval'));
    await expect(
      runAs(signer, () =>
        secretsmanagerClient().send(new GetSecretValueCommand({ SecretId: 'goldsmith/local/approval-decisions' })),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('refuses a key of their own to a role with secretsmanager:*: PutSecretValue on either signing key', async () => {
    for (const name of ['goldsmith/local/approval-links', 'goldsmith/local/approval-decisions']) {
      const before = cloud.secrets.value(name);
      const own = 'k'.repeat(64);
      const put = runAs(ATTACKER, () =>
        secretsmanagerClient().send(new PutSecretValueCommand({ SecretId: name, SecretString: own })),
      );
      await expect(put, name).rejects.toThrow(
        /PutSecretValue on resource: .* with an explicit deny in a resource-based policy/,
      );
      expect(cloud.secrets.value(name), name).toBe(before);
    }
  });

  it('refuses a ledger write by a role that tagged itself goldsmith:ledger-writer=true, and records nothing', async () => {
    const item = { pk: { S: 'BUILD#base' }, sk: { S: 'forged' }, by: { S: TAGGER } };
    const put = runAs(TAGGER, () =>
      dynamodbClient().send(new PutItemCommand({ TableName: ledgerTableName('local'), Item: item })),
    );
    await expect(put).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(put).rejects.toThrow(/with an explicit deny in a resource-based policy/);
    const read = await dynamodbClient().send(
      new GetItemCommand({ TableName: ledgerTableName('local'), Key: { pk: item.pk, sk: item.sk } }),
    );
    expect(read.Item).toBeUndefined();
  });

  it("never runs start-builds from a schedule outside Goldsmith's groups that passes the triggers' Scheduler role", async () => {
    const before = await state();
    await runAs(ATTACKER, () =>
      schedulerClient().send(
        new CreateScheduleCommand({
          Name: 'nightly-build',
          ScheduleExpression: 'at(2027-02-05T11:00:00)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: {
            Arn: functionArn('functions/start-builds.handler'),
            RoleArn: roleArn('-Triggers-SchedulerRole'),
            Input: JSON.stringify(scheduledBuildInput('base')),
          },
        }),
      ),
    );
    await cloud.clock.run('2027-02-05T12:00:00Z');
    expect(cloud.scheduler.refusedRuns).toEqual([
      expect.objectContaining({ schedule: 'default/nightly-build', role: roleArn('-Triggers-SchedulerRole') }),
    ]);
    expect(await state()).toEqual(before);
  });

  it('refuses the schedule outright to a caller who may not pass the role', async () => {
    const create = runAs(TAGGER, () =>
      schedulerClient().send(
        new CreateScheduleCommand({
          Name: 'reconcile-now',
          ScheduleExpression: 'at(2027-02-05T13:00:00)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: {
            Arn: functionArn('functions/reconcile.handler'),
            RoleArn: roleArn('-Promotion-ReconcileSchedulerRole'),
            Input: '{}',
          },
        }),
      ),
    );
    await expect(create).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    expect(cloud.scheduler.list().map((s) => s.Name)).not.toContain('reconcile-now');
  });

  it('recorded every refusal with the principal, the action and the resource', () => {
    expect(cloud.refusedWrites.map((r) => [r.principal, r.action, r.code])).toEqual([
      [ATTACKER, 'sqs:SendMessage', 'AccessDeniedException'],
      [ATTACKER, 's3:PutObject', 'AccessDenied'],
      [ATTACKER, 's3:GetObject', 'AccessDenied'],
      [ATTACKER, 's3:DeleteObject', 'AccessDenied'],
      [ATTACKER, 'sns:Publish', 'AuthorizationError'],
      [ATTACKER, 'sns:Publish', 'AuthorizationError'],
      [ATTACKER, 'secretsmanager:GetSecretValue', 'AccessDeniedException'],
      [ATTACKER, 'secretsmanager:GetSecretValue', 'AccessDeniedException'],
      [
        sessionOf(roleArn('-Promotion-PromotionRequestApproval')),
        'secretsmanager:GetSecretValue',
        'AccessDeniedException',
      ],
      [ATTACKER, 'secretsmanager:PutSecretValue', 'AccessDeniedException'],
      [ATTACKER, 'secretsmanager:PutSecretValue', 'AccessDeniedException'],
      [TAGGER, 'dynamodb:PutItem', 'AccessDeniedException'],
    ]);
  });

  it("keeps a version's SBOMs as on-image-event, which S3 answers 403 for a key not there, and deletes them as the sweep", async () => {
    const writer = sessionOf(roleArn('-Promotion-OnImageEvent'));
    const sweep = sessionOf(roleArn('-Promotion-LifecycleSweep'));
    const bucket = sbomBucket();
    const key = sbomObjectKey('base', '1.0.0/9', 'cyclonedx.json');
    const head = () => s3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    // The writer's role holds no s3:ListBucket: S3 does not tell it the key is not there.
    await expect(runAs(writer, head)).rejects.toMatchObject({ name: 'Unknown', $metadata: { httpStatusCode: 403 } });

    const kept = await runAs(writer, () => keepSboms(baseContent('1.0.0/9'), sbomDocuments));
    const again = await runAs(writer, () => keepSboms(baseContent('1.0.0/9'), sbomDocuments));

    expect(kept.map((d) => d.key)).toEqual(SBOM_FILES.map((f) => sbomObjectKey('base', '1.0.0/9', f)));
    expect(again).toEqual(kept);
    expect(await runAs(writer, head)).toMatchObject({ ETag: kept[0]?.etag, ContentLength: kept[0]?.bytes });
    expect(cloud.installed.fakes.s3.buckets.get(bucket)?.objects.get(key)).toHaveLength(1);

    expect(await runAs(sweep, () => deleteSboms('base', '1.0.0/9', SBOM_FILES))).toHaveLength(2);
    expect(cloud.installed.fakes.s3.read(bucket, key)).toBeUndefined();
    await expect(runAs(writer, head)).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    expect(cloud.refusedWrites.filter((r) => r.principal === writer || r.principal === sweep)).toEqual([]);
  });

  it("lets the triggers' own function role send to that queue (Lambda's on-failure destination uses it)", async () => {
    const url = queueUrl('TriggersDlq');
    const depth = cloud.sqs.depth(url);
    await runAs(sessionOf(roleArn('-Triggers-StartBuilds')), () =>
      sqsClient().send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{}' })),
    );
    expect(cloud.sqs.depth(url)).toBe(depth + 1);
  });
});
