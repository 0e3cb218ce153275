import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { catalogBundling } from '../catalog.js';
import { failureQueue } from '../grants.js';
import { grantLedger } from '../ledger-access.js';
import { grantTopicPublish, sendOnlyByWriters } from '../resource-doors.js';
import { scheduleInvocation } from '../scheduled-invoke.js';

type SummarySpec = Exclude<Catalog['notifications']['monthlySummary'], false>;

/**
 * The Scheduler cron of the summary: minute, hour, day of month, every month, any weekday, every year
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based).
 */
export function summaryCron(spec: SummarySpec): string {
  const [hour, minute] = spec.at.split(':').map(Number);
  return `cron(${minute} ${hour} ${spec.day} * ? *)`;
}

/** The schedule's input: Scheduler substitutes the scheduled time, which names the month summarized. */
export const SUMMARY_INPUT = { summary: 'monthly', scheduledTime: '<aws.scheduler.scheduled-time>' } as const;

/**
 * A delivery that could not run within a day is still worth sending (the summary of a month does not change), so
 * Scheduler keeps trying for 24 hours; what still fails lands in the dead-letter queue.
 */
const RETRY = { maximumEventAgeInSeconds: 24 * 3600, maximumRetryAttempts: 10 };

/**
 * The monthly summary function and its schedule: on the catalog's day it reads every image's ledger partition and
 * announces the month before (built, promoted, rejected, patch day → prod, who is still awaited, cost). It reads
 * the ledger, writes the month's summary item once, and publishes to the topic; nothing else.
 */
export function createMonthlySummary(
  stack: Stack,
  catalog: Catalog,
  ledger: dynamodb.ITable,
  topic: sns.ITopic,
): { summary: SstFunction; dlq: sqs.Queue } | undefined {
  const spec = catalog.notifications.monthlySummary;
  if (spec === false) return undefined;
  const dlq = new sqs.Queue(stack, 'MonthlySummaryDlq', {
    // Dead letters wait for a redrive: a deploy or a stack removal never deletes them.
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  sendOnlyByWriters(dlq);
  const summary = new SstFunction(stack, 'MonthlySummary', {
    handler: 'functions/monthly-summary.handler',
    timeout: 300,
    memorySize: 512,
    environment: { LEDGER_TABLE: ledger.tableName, NOTIFY_TOPIC_ARN: topic.topicArn },
    nodejs: catalogBundling(catalog),
  });
  summary.configureAsyncInvoke({
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
    onFailure: failureQueue(dlq, ledger),
  });
  grantLedger(ledger, summary, ['GetItem', 'Query', 'PutItem', 'UpdateItem']);
  // Through an imported reference, as every publisher does: the topic's key policy already lets this account's
  // principals use the key through SNS, so no kms:GenerateDataKey* grant of our own is needed.
  grantTopicPublish('notifications', sns.Topic.fromTopicArn(stack, 'MonthlySummaryTopic', topic.topicArn), summary);

  scheduleInvocation(stack, 'MonthlySummary', {
    fn: summary,
    expression: summaryCron(spec),
    input: SUMMARY_INPUT,
    description: 'Goldsmith: the monthly summary of builds, promotions, waiting approvals and cost',
    roleDescription: 'Goldsmith: EventBridge Scheduler invokes the monthly summary',
    retryPolicy: RETRY,
    dlq,
  });
  return { summary, dlq };
}
