import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { INSPECTOR_EXPORT_PREFIX } from '../../core/sbom/inspector-export.js';
import { catalogBundling } from '../catalog.js';
import { grantSbomObjects, inspectorSourceArns } from '../factory/sbom-bucket.js';
import { failureQueue } from '../grants.js';
import { grantLedger } from '../ledger-access.js';
import { grantTopicPublish, sendOnlyByWriters } from '../resource-doors.js';
import { scheduleInvocation } from '../scheduled-invoke.js';
import type { PromotionEnvironment } from './functions.js';

/** How often requested exports are started and running ones polled: an export takes minutes, a version's soak days. */
export const SBOM_EXPORTS_RATE = 'rate(1 hour)';

/** The schedule's fixed input (functions/sbom-exports.ts). */
export const SBOM_EXPORTS_INPUT = { sbom: 'exports' } as const;

/**
 * The key Inspector encrypts its SBOM exports with: CreateSbomExport requires one (`s3Destination.kmsKeyArn`,
 * https://docs.aws.amazon.com/inspector/v2/APIReference/API_Destination.html), and "your AWS KMS key policy must allow
 * Amazon Inspector to use it" (https://docs.aws.amazon.com/inspector/latest/user/findings-managing-exporting-reports.html).
 * Inspector's service principal may generate data keys and decrypt only for this account's Inspector in this Region
 * (`aws:SourceAccount`, `aws:SourceArn`: the confused-deputy guard for service principals,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn);
 * the poller decrypts what it reads through its role (the key policy's account statement). Retained: the exports it
 * encrypted stay readable.
 */
function createExportKey(stack: Stack): kms.Key {
  const key = new kms.Key(stack, 'SbomExportKey', {
    description: "Goldsmith: encrypts Amazon Inspector's SBOM exports of container images",
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'InspectorSbomExports',
      principals: [new iam.ServicePrincipal('inspector2.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': inspectorSourceArns() },
      },
    }),
  );
  return key;
}

/**
 * The SBOM export poller (functions/sbom-exports.ts) and its schedule, for a catalog with container images: it may
 * read and write the ledger's image items, call CreateSbomExport and GetSbomExport (no resource-level permissions:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoninspector2.html), list and read the
 * exports under `inspector/` and decrypt them, write the versions' SBOMs and announce an export it refuses; nothing
 * else. Only this role may call CreateSbomExport in the factory account (the SCP's `SbomExportsOnlyByGoldsmith`).
 * @returns the export key (the functions that request exports are told its ARN), or undefined with no container image.
 */
export function createSbomExportPoller(
  stack: Stack,
  env: PromotionEnvironment,
  catalog: Catalog,
): { key: kms.Key; poller: SstFunction } | undefined {
  if (!Object.values(catalog.images).some((spec) => spec.kind === 'container')) return undefined;
  const key = createExportKey(stack);
  const dlq = new sqs.Queue(stack, 'SbomExportsDlq', {
    // Dead letters wait for a redrive: a deploy or a stack removal never deletes them.
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  sendOnlyByWriters(dlq);
  const poller = new SstFunction(stack, 'SbomExports', {
    handler: 'functions/sbom-exports.handler',
    timeout: 300,
    memorySize: 512,
    environment: {
      LEDGER_TABLE: env.ledger.tableName,
      SBOM_EXPORT_KEY_ARN: key.keyArn,
      NOTIFY_TOPIC_ARN: env.topic.topicArn,
    },
    nodejs: catalogBundling(catalog),
  });
  poller.configureAsyncInvoke({
    retryAttempts: 1,
    maxEventAge: Duration.hours(1),
    onFailure: failureQueue(dlq, env.ledger),
  });
  grantLedger(env.ledger, poller, ['GetItem', 'Query', 'PutItem', 'UpdateItem']);
  grantSbomObjects(poller, env.sbomBucket, ['s3:GetObject', 's3:PutObject']);
  // An export file it refuses is announced (`claim-refused`).
  grantTopicPublish('notifications', env.topic, poller);
  poller.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['inspector2:CreateSbomExport', 'inspector2:GetSbomExport'],
      resources: ['*'],
    }),
  );
  // The exports Inspector wrote: listed under their prefix, read, decrypted with the export key.
  poller.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [`arn:${stack.partition}:s3:::${env.sbomBucket}`],
      conditions: { StringLike: { 's3:prefix': [`${INSPECTOR_EXPORT_PREFIX}*`] } },
    }),
  );
  poller.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [`arn:${stack.partition}:s3:::${env.sbomBucket}/${INSPECTOR_EXPORT_PREFIX}*`],
    }),
  );
  key.grantDecrypt(poller);
  scheduleInvocation(stack, 'SbomExports', {
    fn: poller,
    expression: SBOM_EXPORTS_RATE,
    input: SBOM_EXPORTS_INPUT,
    description: "Goldsmith: start, poll and read Inspector's SBOM exports of container images",
    roleDescription: 'Goldsmith: EventBridge Scheduler invokes the SBOM export poller',
    retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 1 },
    dlq,
  });
  return { key, poller };
}
