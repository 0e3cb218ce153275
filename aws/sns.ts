import { PublishCommand } from '@aws-sdk/client-sns';
import { snsClient } from './clients/sns.js';

export type Severity = 'info' | 'warning' | 'critical';

/** One notification; the attributes let subscribers filter (by image, channel, event, severity). */
export interface Notification {
  event: string;
  image: string;
  channel?: string;
  severity: Severity;
  subject: string;
  message: string;
}

function topicArn(): string {
  const arn = process.env.NOTIFY_TOPIC_ARN;
  if (!arn) throw new Error('NOTIFY_TOPIC_ARN is not set');
  return arn;
}

/** Publishes a notification to Goldsmith's topic (env `NOTIFY_TOPIC_ARN`). */
export async function publishNotification(n: Notification): Promise<void> {
  const attributes: Record<string, string> = { event: n.event, image: n.image, severity: n.severity };
  if (n.channel !== undefined) attributes.channel = n.channel;
  await snsClient().send(
    new PublishCommand({
      TopicArn: topicArn(),
      // SNS subjects are at most 100 characters.
      Subject: n.subject.slice(0, 100),
      Message: n.message,
      MessageAttributes: Object.fromEntries(
        Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
      ),
    }),
  );
}
