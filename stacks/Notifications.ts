import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Function as SstFunction, StackContext } from 'sst/constructs';
import type { Catalog } from '../core/config/schema.js';
import { useCatalog } from './catalog.js';
import { ownLogGroups } from './function-logs.js';
import { ledgerTableName } from './names.js';
import { createDoorsAuditor } from './notifications/audit-doors.js';
import { createSinkRelays } from './notifications/relays.js';
import { createSlackRelay } from './notifications/slack.js';
import { createMonthlySummary } from './notifications/summary.js';
import { approvalLinksTopicName, notificationsTopicName } from './Promotion.js';
import { publishOnlyByWriters, subscriptionManagers, subscriptionsOnlyByDeployment } from './resource-doors.js';

/** What other stacks get from `use(Notifications)`. */
export interface NotificationsResources {
  topic: sns.Topic;
  /** Carries each approver's own links; each approver's address is subscribed with a filter on `approver`. */
  approvalLinks: sns.Topic;
  key: kms.Key;
  slack?: SstFunction | undefined;
}

type EmailSubscriber = Catalog['notifications']['email'][number];

/**
 * An email subscriber's SNS filter policy on the message attributes (`event`, `channel`, `image`, `severity`):
 * every key given must match one of its values (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html).
 */
export function emailFilterPolicy(subscriber: EmailSubscriber): Record<string, sns.SubscriptionFilter> | undefined {
  if (typeof subscriber === 'string') return undefined;
  const { events, channels, images, severities } = subscriber.only;
  const policy: Record<string, sns.SubscriptionFilter> = {};
  if (events) policy.event = sns.SubscriptionFilter.stringFilter({ allowlist: events });
  if (channels) policy.channel = sns.SubscriptionFilter.stringFilter({ allowlist: channels });
  if (images) policy.image = sns.SubscriptionFilter.stringFilter({ allowlist: images });
  if (severities) policy.severity = sns.SubscriptionFilter.stringFilter({ allowlist: severities });
  return Object.keys(policy).length > 0 ? policy : undefined;
}

/**
 * The notifications topic every Goldsmith step publishes to (attributes `image`, `channel`, `event`, `severity`,
 * so subscribers filter), with the catalog's email subscribers (each with its filter policy, if any) and the
 * function of each chat sink the catalog configures (Slack, Teams, the signed webhooks: stacks/notifications/relays.ts); and the monthly summary's function and schedule. Other stacks find
 * the topic by its deterministic name.
 *
 * Encrypted with a key of our own, not `alias/aws/sns`: CloudWatch alarms can publish to an encrypted topic only when
 * the key policy lets cloudwatch.amazonaws.com use the key, which the AWS managed key's policy never does
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 */
export function Notifications({ app, stack }: StackContext): NotificationsResources {
  ownLogGroups(stack);
  const catalog = useCatalog();
  const key = new kms.Key(stack, 'NotificationsKey', {
    description: 'Goldsmith: encrypts the notifications topic (functions publish, CloudWatch alarms publish)',
    enableKeyRotation: true,
  });
  // As alias/aws/sns allows: principals of this account may use the key through SNS (the functions import the topic
  // by name, so their topic grants carry no key grant).
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'kms:CallerAccount': stack.account, 'kms:ViaService': `sns.${stack.region}.amazonaws.com` },
      },
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  );
  const topic = new sns.Topic(stack, 'NotificationsTopic', {
    topicName: notificationsTopicName(app.stage),
    displayName: 'Goldsmith golden images',
    masterKey: key,
    enforceSSL: true,
  });
  for (const subscriber of catalog.notifications.email) {
    const address = typeof subscriber === 'string' ? subscriber : subscriber.address;
    topic.addSubscription(
      new subscriptions.EmailSubscription(address, { filterPolicy: emailFilterPolicy(subscriber) }),
    );
  }
  const approvalLinks = createApprovalLinksTopic(stack, approvalLinksTopicName(app.stage), key, catalog);
  // Publishes only by the functions that publish (and the monitoring stack's alarms): stacks/resource-doors.ts.
  publishOnlyByWriters('notifications', topic);
  publishOnlyByWriters('approval-links', approvalLinks);
  // Subscriptions of both topics are the deployment's alone: a subscriber of the approval links would read every
  // approver's links; one who unsubscribes or re-filters the notifications' mail and Slack silences every alert.
  const ledger = dynamodb.Table.fromTableName(stack, 'Ledger', ledgerTableName(app.stage));
  const slack = catalog.notifications.slack
    ? createSlackRelay(stack, catalog.notifications.slack, topic, ledger, catalog)
    : undefined;
  const relays = { slack, ...createSinkRelays(stack, catalog, topic, ledger) };
  // The doors' auditor reads the subscriptions back and puts them back: admitted beside the deployment.
  const auditor = createDoorsAuditor(stack, catalog, ledger, { notifications: topic, approvalLinks }, relays);
  const managers = [...subscriptionManagers(), auditor.fn.role?.roleArn ?? ''].filter((m) => m !== '');
  subscriptionsOnlyByDeployment(topic, managers);
  subscriptionsOnlyByDeployment(approvalLinks, managers);
  createMonthlySummary(stack, catalog, ledger, topic);
  stack.addOutputs({ NotificationsTopicArn: topic.topicArn });
  return { topic, approvalLinks, key, slack };
}

/**
 * The approval-links topic: RequestApproval publishes one message per approver with the attribute `approver`; each
 * address of `notifications.approvers` is subscribed with the filter policy `{ "approver": [<name>] }`, so SNS
 * delivers an approver's links to that approver alone (https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html;
 * one key and one value per policy, well within SNS's five keys and 150 combinations, and one filter policy per
 * approver against the default 200 per topic:
 * https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html). The team's subscriptions
 * are on the notifications topic and never see this one.
 */
function createApprovalLinksTopic(stack: StackContext['stack'], name: string, key: kms.Key, catalog: Catalog) {
  const topic = new sns.Topic(stack, 'ApprovalLinksTopic', {
    topicName: name,
    displayName: 'Goldsmith approvals',
    masterKey: key,
    enforceSSL: true,
  });
  for (const [approver, address] of Object.entries(catalog.notifications.approvers)) {
    topic.addSubscription(
      new subscriptions.EmailSubscription(address, {
        filterPolicy: { approver: sns.SubscriptionFilter.stringFilter({ allowlist: [approver] }) },
      }),
    );
  }
  return topic;
}
