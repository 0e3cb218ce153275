import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { relayEnvironment } from '../../core/notifications/sinks.js';
import { API_CALL_VIA_CLOUDTRAIL } from '../../events/outside-change.js';
import { SUBSCRIPTION_CALLS } from '../../events/subscription-call.js';
import { catalogBundling } from '../catalog.js';
import { failureQueue } from '../grants.js';
import { grantLedger } from '../ledger-access.js';
import { grantTopicPublish, sendOnlyByWriters } from '../resource-doors.js';
import { scheduleInvocation } from '../scheduled-invoke.js';

/** The daily backstop's input (functions/audit-doors.ts). */
export const AUDIT_DOORS_INPUT = { audit: 'doors' } as const;

/** The hourly look's input: the topics' subscriptions listed only (functions/audit-doors.ts). */
export const GLANCE_INPUT = { audit: 'subscriptions' } as const;

/**
 * How often the topics' subscriptions are listed: an email's unsubscribe link removes a subscription with no
 * CloudTrail event (docs/security.md), so this is how soon that is seen. One ListSubscriptionsByTopic per topic per
 * 100 subscriptions a run: 24 × 2 × pages a day.
 */
export const GLANCE_RATE = 'rate(1 hour)';

/** The CloudTrail events of the calls that add, remove or re-filter a subscription (events/outside-change.ts). */
export const subscriptionCallPattern = {
  source: ['aws.sns'],
  detailType: [API_CALL_VIA_CLOUDTRAIL],
  detail: { eventSource: ['sns.amazonaws.com'], eventName: [...SUBSCRIPTION_CALLS] },
};

/**
 * The doors' auditor (functions/audit-doors.ts), a function of its own so the reconciler's bundle does not grow: the
 * topics' subscriptions read back daily and within minutes of a subscription call (CloudTrail, which needs a trail:
 * docs/security.md), listed hourly (an unsubscribe link's removal has no CloudTrail event), put back as the stacks
 * make them, announced. It lists the two topics' subscriptions, reads their filter policies, unsubscribes, subscribes
 * and re-filters on those two topics only, writes its drift records and announcements to the ledger and publishes
 * them; nothing else. The topics' own policies admit its role to their
 * subscriptions beside the deployment's (`managers`).
 */
export function createDoorsAuditor(
  stack: Stack,
  catalog: Catalog,
  ledger: dynamodb.ITable,
  topics: { notifications: sns.Topic; approvalLinks: sns.Topic },
  relays: Readonly<Record<string, SstFunction | undefined>>,
): { fn: SstFunction; dlq: sqs.Queue } {
  const dlq = new sqs.Queue(stack, 'AuditDoorsDlq', {
    // Dead letters wait for a redrive: a deploy or a stack removal never deletes them.
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  sendOnlyByWriters(dlq);
  const fn = new SstFunction(stack, 'AuditDoors', {
    handler: 'functions/audit-doors.handler',
    timeout: 120,
    environment: {
      LEDGER_TABLE: ledger.tableName,
      NOTIFY_TOPIC_ARN: topics.notifications.topicArn,
      APPROVAL_TOPIC_ARN: topics.approvalLinks.topicArn,
      ...relayEnvironment(Object.fromEntries(Object.entries(relays).map(([k, f]) => [k, f?.functionArn]))),
    },
    nodejs: catalogBundling(catalog),
  });
  fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: failureQueue(dlq, ledger) });
  // Query: the awaiting-confirmation records of each topic (functions/audit/subscriptions-awaiting.ts).
  grantLedger(ledger, fn, ['Query', 'PutItem', 'UpdateItem']);
  grantTopicPublish(
    'notifications',
    sns.Topic.fromTopicArn(stack, 'AuditDoorsTopic', topics.notifications.topicArn),
    fn,
  );
  const topicArns = [topics.notifications.topicArn, topics.approvalLinks.topicArn];
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['sns:ListSubscriptionsByTopic', 'sns:Subscribe'],
      resources: topicArns,
    }),
  );
  // The hourly glance lists the account's subscriptions in one call while they fit a page
  // (functions/audit/subscriptions.ts). ListSubscriptions takes no resource type ("Grants permission to return a list
  // of the requester's subscriptions", no resource:
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html), so IAM grants it on `*`;
  // it reads, and the code keeps only the subscriptions of Goldsmith's two topics.
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:ListSubscriptions'], resources: ['*'] }));
  // A subscription's own calls take no resource type, so IAM grants them on `*`
  // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html); the topics' policies
  // keep them to the deployment and this role (SubscriptionsOnlyByDeployment), and the code calls them only on the
  // subscriptions it listed on Goldsmith's two topics.
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['sns:GetSubscriptionAttributes', 'sns:SetSubscriptionAttributes', 'sns:Unsubscribe'],
      resources: ['*'],
    }),
  );
  scheduleInvocation(stack, 'AuditDoors', {
    fn,
    expression: 'rate(1 day)',
    input: AUDIT_DOORS_INPUT,
    description: "Goldsmith: read back the topics' subscriptions (the backstop of their CloudTrail events)",
    roleDescription: "Goldsmith: EventBridge Scheduler invokes the doors' auditor",
    // The next day's run is the backstop: retrying one longer only piles runs up.
    retryPolicy: { maximumEventAgeInSeconds: 6 * 3600, maximumRetryAttempts: 5 },
    dlq,
  });
  scheduleInvocation(stack, 'AuditSubscriptions', {
    fn,
    expression: GLANCE_RATE,
    input: GLANCE_INPUT,
    description: "Goldsmith: list the topics' subscriptions (an unsubscribe link's removal has no CloudTrail event)",
    roleDescription: "Goldsmith: EventBridge Scheduler invokes the doors' auditor hourly",
    // The next hour's run is the backstop: no retry past the hour; one Scheduler could not deliver is dead-lettered
    // as the daily run's is, so an hour after hour of refused invocations shows on the dead-letter alarm.
    retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 2 },
    dlq,
  });
  new events.Rule(stack, 'SubscriptionChangeRule', {
    description: "Goldsmith: a subscription changed (CloudTrail) → the doors' auditor reads the topics back",
    eventPattern: subscriptionCallPattern,
    targets: [
      new targets.LambdaFunction(fn, { deadLetterQueue: dlq, retryAttempts: 10, maxEventAge: Duration.hours(6) }),
    ],
  });
  return { fn, dlq };
}
