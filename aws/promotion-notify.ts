import { PublishCommand } from '@aws-sdk/client-sns';
import type { Notification } from '../core/promotion/messages.js';
import { client } from './clients.js';

/**
 * Publishes one promotion notification to the notifications topic (env `NOTIFY_TOPIC_ARN`) with the attributes
 * subscribers filter on: image, channel, event, severity.
 */
export async function notify(message: Notification): Promise<void> {
  const topicArn = process.env.NOTIFY_TOPIC_ARN;
  if (!topicArn) throw new Error('NOTIFY_TOPIC_ARN is not set');
  const attributes: Record<string, string> = {
    image: message.image,
    event: message.event,
    severity: message.severity,
    ...(message.channel ? { channel: message.channel } : {}),
  };
  await client('sns').send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: message.subject,
      Message: message.text,
      MessageAttributes: Object.fromEntries(
        Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
      ),
    }),
  );
}
