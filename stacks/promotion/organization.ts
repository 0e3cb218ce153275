import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { ORGANIZATION_EVENT_NAMES } from '../../core/sharing/organization-events.js';
import { catalogBundling } from '../catalog.js';
import { failureQueue } from '../grants.js';
import { grantLedger } from '../ledger-access.js';
import { RESERVED_CONCURRENCY } from '../reserved-concurrency.js';
import { sendOnlyByWriters } from '../resource-doors.js';
import { scheduleInvocation } from '../scheduled-invoke.js';
import type { PromotionEnvironment } from './functions.js';
import { allowSharing } from './functions.js';

/**
 * The backstop's tick: daily. The function reads the organization in full when its last full read is
 * `monitoring.organizationFullReadEvery` old or it holds none (core/sharing/held-organization.ts `fullReadDue`), so the
 * first read after a deployment comes within a day whatever the period, and a failed run is made up the next day.
 */
export const ORGANIZATION_FULL_READ_RATE = 'rate(1 day)';

/** The schedule's fixed input (functions/organization-sync.ts); Scheduler fills in the time. */
export const ORGANIZATION_FULL_READ_INPUT = {
  organization: 'full-read',
  scheduledTime: '<aws.scheduler.scheduled-time>',
} as const;

/**
 * The organization-sync function: holds the organization in the ledger from Organizations' events (a rule on the
 * default bus; Organizations' CloudTrail events reach EventBridge in US East (N. Virginia) only, and only with a
 * trail logging management events: docs/organization.md) and a weekly full read (`organizationFullReadEvery`), and re-grants the versions of a
 * channel whose grants an organization change alters. Its role reads Organizations (the targeted reads name an
 * account or OU; the listings a root or OU; DescribeOrganization, ListRoots take no resource), writes the ledger's
 * `ORG` items, and changes launch permissions as Share does.
 */
export function createOrganizationSync(stack: Stack, env: PromotionEnvironment, catalog: Catalog) {
  const fn = new SstFunction(stack, 'OrganizationSync', {
    handler: 'functions/organization-sync.handler',
    timeout: 900,
    memorySize: 1024,
    // One run at a time: two events seconds apart otherwise re-read and re-grant against each other (the held tree's
    // conditional write makes the later one start over). A throttled asynchronous event waits in Lambda's queue and
    // is retried, up to the event age below (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
    reservedConcurrentExecutions: RESERVED_CONCURRENCY.organizationSync,
    environment: { LEDGER_TABLE: env.ledger.tableName },
    nodejs: catalogBundling(catalog),
  });
  allowSharing(stack, fn, catalog.organization.id);
  const org = (kind: string) => `arn:${stack.partition}:organizations::*:${kind}/${catalog.organization.id}/*`;
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: [
        'organizations:ListParents',
        'organizations:DescribeAccount',
        'organizations:DescribeOrganizationalUnit',
      ],
      resources: [org('account'), org('ou')],
    }),
  );
  grantLedger(env.ledger, fn, ['GetItem', 'Query', 'PutItem', 'BatchWriteItem']);

  const dlq = new sqs.Queue(stack, 'OrganizationEventsDlq', {
    // Dead letters wait for a redrive: a deploy or a stack removal never deletes them.
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  sendOnlyByWriters(dlq);
  fn.configureAsyncInvoke({
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
    onFailure: failureQueue(dlq, env.ledger),
  });
  const rule = new events.Rule(stack, 'OrganizationChangeRule', {
    description: 'Goldsmith: Organizations changes (accounts, OUs, tags) → organization-sync',
    eventPattern: {
      source: ['aws.organizations'],
      detailType: ['AWS API Call via CloudTrail', 'AWS Service Event via CloudTrail'],
      detail: { eventSource: ['organizations.amazonaws.com'], eventName: [...ORGANIZATION_EVENT_NAMES] },
    },
    targets: [
      new targets.LambdaFunction(fn, { deadLetterQueue: dlq, retryAttempts: 185, maxEventAge: Duration.hours(24) }),
    ],
  });
  const schedule = scheduleInvocation(stack, 'OrganizationFullRead', {
    fn,
    expression: ORGANIZATION_FULL_READ_RATE,
    input: ORGANIZATION_FULL_READ_INPUT,
    description: 'Goldsmith: read the organization in full and hold what changed',
    roleDescription: 'Goldsmith: EventBridge Scheduler invokes the organization full read',
    retryPolicy: { maximumEventAgeInSeconds: 12 * 3600, maximumRetryAttempts: 10 },
  });
  return { organizationSync: fn, rule, schedule, dlq };
}
