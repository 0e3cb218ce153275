import { randomBytes } from 'node:crypto';
import { configureSlack } from '../../aws/slack.js';
import type { Catalog } from '../../core/config/schema.js';
import type { VirtualClock } from '../clock.js';
import type { SecretsManagerFake } from '../fakes/secretsmanager.js';
import type { PublishedMessage, SnsFake } from '../fakes/sns-sts.js';
import { SlackStandIn } from '../slack/stand-in.js';
import type { AsyncInvoker } from './invoke.js';
import type { Wiring } from './wiring.js';

/**
 * Starts the Slack stand-in when the catalog configures Slack: creates the Slack app's secret (bot token and
 * signing secret, as the operator would), and points the Slack client at the stand-in, waiting out its 429s on
 * the virtual clock.
 */
export async function startSlack(
  catalog: Catalog,
  clock: VirtualClock,
  secrets: SecretsManagerFake,
): Promise<SlackStandIn | undefined> {
  const slack = catalog.notifications.slack;
  if (!slack) return undefined;
  const botToken = `xoxb-local-${randomBytes(12).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  secrets.create(slack.secretName, JSON.stringify({ botToken, signingSecret }), catalog.organization.homeRegion);
  const standIn = new SlackStandIn({ botToken, signingSecret, now: () => clock.now(), channels: [slack.channel] });
  await standIn.start();
  configureSlack({ baseUrl: standIn.url, sleep: (ms) => clock.sleep(ms, 'slack retry-after') });
  return standIn;
}

/** What SNS hands a subscribed Lambda function for one message (the `default` body under MessageStructure json). */
export function snsLambdaEvent(m: PublishedMessage, subscriptionArn: string) {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: m.messageId,
          TopicArn: m.topicArn,
          Subject: m.subject ?? null,
          Message: m.message,
          Timestamp: m.at,
          SignatureVersion: '1',
          Signature: 'local',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/local.pem',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: Object.fromEntries(
            Object.entries(m.attributes).map(([k, v]) => [k, { Type: 'String', Value: v }]),
          ),
        },
      },
    ],
  };
}

/** Delivers every message published to a topic to the functions subscribed to it (SNS → Lambda, at least once). */
export function deliverTopicsToFunctions(sns: SnsFake, wiring: Wiring, invoker: AsyncInvoker): void {
  sns.onPublish((m) => {
    for (const sub of wiring.subscriptions.filter((s) => s.topicArn === m.topicArn)) {
      invoker.deliverRepeatedly(sub.targetArn, snsLambdaEvent(m, `${sub.topicArn}:local`), `sns ${m.attributes.event}`);
    }
  });
}
