import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StackContext } from 'sst/constructs';
import { useCatalog } from './catalog.js';
import { notificationsTopicName } from './Promotion.js';

/** What other stacks get from `use(Notifications)`. */
export interface NotificationsResources {
  topic: sns.Topic;
  key: kms.Key;
}

/**
 * The notifications topic every Goldsmith step publishes to (attributes `image`, `channel`, `event`, `severity`,
 * so subscribers filter), with the catalog's email subscribers. Other stacks find it by its deterministic name.
 *
 * Encrypted with a key of our own, not `alias/aws/sns`: CloudWatch alarms can publish to an encrypted topic only when
 * the key policy lets cloudwatch.amazonaws.com use the key, which the AWS managed key's policy never does
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 */
export function Notifications({ app, stack }: StackContext): NotificationsResources {
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
  for (const email of catalog.notifications.email) {
    topic.addSubscription(new subscriptions.EmailSubscription(email));
  }
  stack.addOutputs({ NotificationsTopicArn: topic.topicArn });
  return { topic, key };
}
