import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Function as SstFunction, type StackContext } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { failureQueue, grantSecretValue } from '../grants.js';
import { grantLedger } from '../ledger-access.js';
import { sendOnlyByWriters } from '../resource-doors.js';
import { scheduleInvocation } from '../scheduled-invoke.js';

/**
 * How often the Slack function tries what waits for Slack, besides every time it is delivered an announcement (which
 * is when most backlogs drain: announcements come in bursts). Every three hours bounds the wait in a quiet spell; an
 * approval request's email links go out at once meanwhile.
 */
export const SLACK_REDELIVER_RATE = 'rate(3 hours)';
/** That schedule's input (functions/slack-notify.ts). */
export const SLACK_REDELIVER_INPUT = { slack: 'redeliver' } as const;

/**
 * The Slack function: subscribed to the topic, it posts each announcement with the Slack Web API (bot token from
 * the catalog's secret, read at run time through Powertools, never an environment variable). A post Slack refuses
 * waits in the ledger and is tried again on every delivery and every three hours; a delivery that still fails (the ledger
 * unreachable) gets Lambda's two retries, then the dead-letter queue.
 */
export function createSlackRelay(
  stack: StackContext['stack'],
  slack: NonNullable<Catalog['notifications']['slack']>,
  topic: sns.Topic,
  ledger: dynamodb.ITable,
): SstFunction {
  const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'SlackSecret', slack.secretName);
  const fn = new SstFunction(stack, 'SlackNotify', {
    handler: 'functions/slack-notify.handler',
    timeout: 60,
    environment: {
      SLACK_SECRET_NAME: slack.secretName,
      SLACK_CHANNEL: slack.channel,
      SLACK_API_URL: 'https://slack.com/api/',
      LEDGER_TABLE: ledger.tableName,
    },
  });
  grantSecretValue(fn, secret);
  grantLedger(ledger, fn, ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem']);
  const dlq = new sqs.Queue(stack, 'SlackNotifyDlq', {
    // Dead letters wait for a redrive: a deploy or a stack removal never deletes them.
    removalPolicy: RemovalPolicy.RETAIN,
    retentionPeriod: Duration.days(14),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  sendOnlyByWriters(dlq);
  fn.configureAsyncInvoke({
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
    onFailure: failureQueue(dlq, ledger),
  });
  topic.addSubscription(new subscriptions.LambdaSubscription(fn));

  scheduleInvocation(stack, 'SlackRedeliver', {
    fn,
    expression: SLACK_REDELIVER_RATE,
    input: SLACK_REDELIVER_INPUT,
    description: 'Goldsmith: post what Slack refused earlier (an outage, a 429 storm), oldest first',
    roleDescription: 'Goldsmith: EventBridge Scheduler has the Slack function try what waits for Slack',
    // The next run comes within three hours: retrying one longer only piles runs up.
    retryPolicy: { maximumEventAgeInSeconds: 2 * 3600, maximumRetryAttempts: 2 },
    dlq,
  });
  return fn;
}
