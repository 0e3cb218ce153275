import { randomBytes } from 'node:crypto';
import { configureSlack } from '../../aws/notifications/slack.js';
import type { Catalog } from '../../core/config/schema.js';
import type { VirtualClock } from '../clock.js';
import type { Outages } from '../fakes/outages.js';
import type { SecretsManagerFake } from '../fakes/secretsmanager.js';
import type { PublishedMessage, SnsFake } from '../fakes/sns-sts.js';
import { SlackStandIn, type SlackStandInHooks } from '../slack/stand-in.js';
import type { AsyncInvoker } from './invoke.js';
import type { Wiring } from './wiring.js';

/**
 * Starts the Slack stand-in when the catalog configures Slack: creates the Slack app's secret (bot token and
 * signing secret, as the operator would), and points the Slack client at the stand-in (its in-process `fetch`),
 * waiting out its 429s on the virtual clock.
 */
export async function startSlack(
  catalog: Catalog,
  clock: VirtualClock,
  secrets: SecretsManagerFake,
  outages?: Outages,
): Promise<SlackStandIn | undefined> {
  const slack = catalog.notifications.slack;
  if (!slack) return undefined;
  const botToken = `xoxb-local-${randomBytes(12).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  secrets.create(slack.secretName, JSON.stringify({ botToken, signingSecret }), catalog.organization.homeRegion);
  // A `slack` outage window: every request is refused (counted against the window), and each refused message is
  // deferred work until Slack accepts that same message.
  const hooks: SlackStandInHooks | undefined = outages && {
    outage: () => {
      const open = outages.openWindow('slack');
      if (!open) return undefined;
      outages.fail('slack');
      return { status: open.status ?? 503, retryAfterSeconds: open.retryAfterSeconds ?? 60 };
    },
    onRefused: (key) => outages.defer(`slack:${key}`, 'slack'),
    onAccepted: (key) => outages.done(`slack:${key}`),
  };
  const standIn = new SlackStandIn({
    botToken,
    signingSecret,
    now: () => clock.now(),
    channels: [slack.channel],
    ...(hooks ? { hooks } : {}),
  });
  // Answered in process (the same requests and answers as over HTTP): a loopback round trip per message cost more
  // than the stand-in's own work.
  configureSlack({ baseUrl: standIn.url, fetch: standIn.fetch, sleep: (ms) => clock.sleep(ms, 'slack retry-after') });
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

function announcementIdOf(message: string): string | undefined {
  try {
    const id = (JSON.parse(message) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Subscribes what the stacks subscribe (functions, email addresses, each with its filter policy) and delivers every
 * message published to a topic to the functions whose subscription it matches (SNS → Lambda, at least once); email
 * subscribers read theirs with `sns.inbox(address)`.
 */
export function deliverTopicsToFunctions(
  sns: SnsFake,
  wiring: Wiring,
  invoker: AsyncInvoker,
  outages?: Outages,
  workKeys: Readonly<Record<string, (announcementId: string) => string[]>> = {},
): void {
  for (const s of wiring.subscriptions) sns.subscribe(s.topicArn, 'lambda', s.targetArn, s.filterPolicy);
  for (const s of wiring.mailboxes) sns.subscribe(s.topicArn, 'email', s.address, s.filterPolicy);
  sns.onPublish((m) => {
    // An announcement published while a chat sink is down is work the outage holds up until the sink shows it
    // (local/sinks/stand-ins.ts names the work of each sink the cloud started).
    for (const [service, keysOf] of Object.entries(workKeys)) {
      if (!outages?.isDown(service)) continue;
      const id = announcementIdOf(m.message);
      if (id) for (const key of keysOf(id)) outages.defer(key, service);
    }
    for (const sub of sns.recipientsOf(m).filter((s) => s.protocol === 'lambda')) {
      invoker.deliverRepeatedly(sub.endpoint, snsLambdaEvent(m, `${sub.topicArn}:local`), `sns ${m.attributes.event}`);
    }
  });
}

/** A message as Slack shows it: when, its text, whether it is a reply in a thread, and edits made in place. */
export interface SlackMessageSeen {
  at: string;
  ts: string;
  /** The root's `ts` for a reply in a thread. */
  threadTs?: string;
  text: string;
  /** A reply also shown in the channel itself. */
  broadcast: boolean;
  /** Texts it had before chat.update replaced them, oldest first. */
  replaced: string[];
}

/** Every message the stand-in holds, in posting order. */
export function slackMessagesOf(standIn: SlackStandIn): SlackMessageSeen[] {
  return standIn.messages().map((m) => ({
    at: m.postedAt,
    ts: m.ts,
    ...(m.threadTs ? { threadTs: m.threadTs } : {}),
    text: m.text,
    broadcast: m.broadcast,
    replaced: [...m.history],
  }));
}
