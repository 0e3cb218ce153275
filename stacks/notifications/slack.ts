import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Function as SstFunction, StackContext } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { createSinkRelay, REDELIVER_RATE } from './relays.js';

/** How often the Slack function tries what waits for Slack (stacks/notifications/relays.ts). */
export const SLACK_REDELIVER_RATE = REDELIVER_RATE;
/** That schedule's input (functions/slack-notify.ts). */
export const SLACK_REDELIVER_INPUT = { slack: 'redeliver' } as const;

/**
 * The Slack function (stacks/notifications/relays.ts): subscribed to the topic, it posts each announcement with the
 * Slack Web API (bot token from the catalog's secret, read at run time through Powertools, never an environment
 * variable). Its ledger calls are on any item: besides its posts it keeps each version's thread and each approval
 * request's message, which the approval callback reads.
 */
export function createSlackRelay(
  stack: StackContext['stack'],
  slack: NonNullable<Catalog['notifications']['slack']>,
  topic: sns.Topic,
  ledger: dynamodb.ITable,
  catalog: Catalog,
): SstFunction {
  return createSinkRelay(
    stack,
    {
      id: 'SlackNotify',
      handler: 'functions/slack-notify.handler',
      environment: {
        SLACK_SECRET_NAME: slack.secretName,
        SLACK_CHANNEL: slack.channel,
        SLACK_API_URL: 'https://slack.com/api/',
      },
      secrets: [{ id: 'SlackSecret', name: slack.secretName }],
      ledger: { all: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'] },
      redeliver: {
        id: 'SlackRedeliver',
        input: SLACK_REDELIVER_INPUT,
        description: 'Goldsmith: post what Slack refused earlier (an outage, a 429 storm), oldest first',
        roleDescription: 'Goldsmith: EventBridge Scheduler has the Slack function try what waits for Slack',
      },
    },
    topic,
    ledger,
    catalog,
  );
}
