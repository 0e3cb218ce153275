import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StackContext } from 'sst/constructs';
import { useCatalog } from './catalog.js';
import { notificationsTopicName } from './Promotion.js';

/** What other stacks get from `use(Notifications)`. */
export interface NotificationsResources {
  topic: sns.Topic;
}

/**
 * The notifications topic every Goldsmith step publishes to (attributes `image`, `channel`, `event`, `severity`,
 * so subscribers filter), with the catalog's email subscribers. Other stacks find it by its deterministic name.
 */
export function Notifications({ app, stack }: StackContext): NotificationsResources {
  const catalog = useCatalog();
  const topic = new sns.Topic(stack, 'NotificationsTopic', {
    topicName: notificationsTopicName(app.stage),
    displayName: 'Goldsmith golden images',
    masterKey: kms.Alias.fromAliasName(stack, 'SnsManagedKey', 'alias/aws/sns'),
    enforceSSL: true,
  });
  for (const email of catalog.notifications.email) {
    topic.addSubscription(new subscriptions.EmailSubscription(email));
  }
  stack.addOutputs({ NotificationsTopicArn: topic.topicArn });
  return { topic };
}
