import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { PARAMETER_STORE_CHANGE } from '../../events/outside-change.js';
import { catalogBundling } from '../catalog.js';
import { failureQueue } from '../grants.js';
import { grantLedger } from '../ledger-access.js';
import { grantTopicPublish, sendOnlyByWriters } from '../resource-doors.js';
import { scheduleInvocation } from '../scheduled-invoke.js';

/**
 * One of the Monitoring stack's auditors (the policies', the functions'): a function of its own, so no other bundle
 * grows, with its dead-letter queue (retained: a deploy or a stack removal never deletes dead letters), Lambda's
 * retries of an asynchronous invocation, the ledger's drift writes, and publishing to the notifications topic by ARN
 * (SNS uses the topic's key on the publisher's behalf). `target()` is an EventBridge target for a rule that asks it to
 * run within minutes; failed deliveries park in its dead-letter queue.
 */
export function createAuditor(
  stack: Stack,
  id: string,
  catalog: Catalog,
  env: { ledger: dynamodb.ITable; topic: sns.ITopic },
  props: { handler: string; environment: Record<string, string> },
): { fn: SstFunction; dlq: sqs.Queue; target: () => targets.LambdaFunction } {
  const dlq = new sqs.Queue(stack, `${id}Dlq`, {
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  sendOnlyByWriters(dlq);
  const fn = new SstFunction(stack, id, {
    handler: props.handler,
    timeout: 120,
    memorySize: 256,
    environment: { LEDGER_TABLE: env.ledger.tableName, NOTIFY_TOPIC_ARN: env.topic.topicArn, ...props.environment },
    nodejs: catalogBundling(catalog),
  });
  fn.configureAsyncInvoke({
    retryAttempts: 1,
    maxEventAge: Duration.hours(6),
    onFailure: failureQueue(dlq, env.ledger),
  });
  grantLedger(env.ledger, fn, ['PutItem', 'UpdateItem']);
  grantTopicPublish('notifications', sns.Topic.fromTopicArn(stack, `${id}Topic`, env.topic.topicArn), fn);
  const target = () =>
    new targets.LambdaFunction(fn, { deadLetterQueue: dlq, retryAttempts: 10, maxEventAge: Duration.hours(6) });
  return { fn, dlq, target };
}

/** The auditor's daily run (EventBridge Scheduler), its failed deliveries in its dead-letter queue. */
export function scheduleAuditor(
  stack: Stack,
  id: string,
  fn: SstFunction,
  dlq: sqs.Queue,
  props: { expression: string; input: Record<string, string>; description: string; roleDescription: string },
): void {
  scheduleInvocation(stack, id, {
    fn,
    ...props,
    retryPolicy: { maximumEventAgeInSeconds: 6 * 3600, maximumRetryAttempts: 2 },
    dlq,
  });
}

/** A Parameter Store Change of a parameter under `prefix` (Parameter Store sends it itself: no trail needed). */
export const parameterChangePattern = (prefix: string) => ({
  source: ['aws.ssm'],
  detailType: [PARAMETER_STORE_CHANGE],
  detail: { name: [{ prefix }] },
});
