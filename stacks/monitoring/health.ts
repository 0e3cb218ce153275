import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { imageViewIndex } from '../../core/ledger/keys.js';
import { HEALTH_RATE } from '../../core/observability/metrics.js';
import { catalogBundling } from '../catalog.js';
import { failureQueue } from '../grants.js';
import { grantLedger } from '../ledger-access.js';
import { sendOnlyByWriters } from '../resource-doors.js';
import { scheduleInvocation } from '../scheduled-invoke.js';

/** The schedule's fixed input (functions/health.ts). */
export const HEALTH_INPUT = { health: 'gauges' } as const;

/**
 * The health-gauge function and its schedule: every three hours it reads the ledger and emits approvals waiting,
 * the oldest wait as a share of its timeout, and each channel's lag and age. Read-only on the ledger.
 */
export function createHealthGauges(
  stack: Stack,
  catalog: Catalog,
  ledger: dynamodb.ITable,
): { health: SstFunction; dlq: sqs.Queue } {
  const dlq = new sqs.Queue(stack, 'HealthDlq', {
    // Dead letters wait for a redrive: a deploy or a stack removal never deletes them.
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  sendOnlyByWriters(dlq);
  const health = new SstFunction(stack, 'Health', {
    handler: 'functions/health.handler',
    timeout: 120,
    memorySize: 256,
    environment: { LEDGER_TABLE: ledger.tableName },
    nodejs: catalogBundling(catalog),
  });
  health.configureAsyncInvoke({
    retryAttempts: 1,
    maxEventAge: Duration.hours(2),
    onFailure: failureQueue(dlq, ledger),
  });
  grantLedger(ledger, health, ['BatchGetItem', 'Query']);
  // The image-view index, by its own ARN: a table grant covers the table, not its indexes
  // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-specific-table-indexes.html).
  health.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [`${ledger.tableArn}/index/${imageViewIndex.name}`],
    }),
  );

  scheduleInvocation(stack, 'Health', {
    fn: health,
    expression: HEALTH_RATE,
    input: HEALTH_INPUT,
    description: 'Goldsmith: approvals waiting and channel age for the dashboard and alarms',
    roleDescription: 'Goldsmith: EventBridge Scheduler invokes the health gauges',
    retryPolicy: { maximumEventAgeInSeconds: 2 * 3600, maximumRetryAttempts: 2 },
    dlq,
  });
  return { health, dlq };
}
