import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Function as SstFunction, type StackContext } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { catalogBundling } from '../catalog.js';
import { failureQueue } from '../grants.js';
import { grantLedger, grantLedgerPartition, type LedgerCall } from '../ledger-access.js';
import { sendOnlyByWriters } from '../resource-doors.js';
import { scheduleInvocation } from '../scheduled-invoke.js';
import { grantSinkSecret, guardSinkSecret } from './sink-secret-policy.js';

/**
 * How often a chat sink's function tries what waits for it, besides every time it is delivered an announcement
 * (which is when most backlogs drain: announcements come in bursts). Every three hours bounds the wait in a quiet
 * spell; an approval request's email links go out at once meanwhile.
 */
export const REDELIVER_RATE = 'rate(3 hours)';

/** One chat sink's relay function, as `createSinkRelay` makes it. */
export interface SinkRelaySpec {
  /** The construct id: `SlackNotify`, `TeamsNotify`, … (its DLQ `<id>Dlq`, its secrets `<secret id>`). */
  id: string;
  handler: string;
  environment: Record<string, string>;
  /** The secrets it reads at run time, by construct id. */
  secrets: { id: string; name: string }[];
  /**
   * Its ledger calls: `all` on any item (Slack's threads and approvals), or `partitions` alone (its posts and
   * backlog) besides GetItem anywhere (reading an approval to vet it: functions/sinks/vet.ts).
   */
  ledger: { all: readonly LedgerCall[] } | { partitions: readonly string[] };
  /**
   * Its schedule: `<id>`, the input its handler reads as "deliver what waits" (functions/sinks/handler.ts), and how
   * the schedule and its role describe themselves.
   */
  redeliver: { id: string; input: Record<string, string>; description: string; roleDescription: string };
}

/**
 * A chat sink's function (functions/sinks/handler.ts): subscribed to the topic, it posts each announcement, reading
 * its credentials from Secrets Manager at run time (never an environment variable); a post the sink refuses waits in
 * the ledger and is tried again on every delivery and every three hours; a delivery that still fails (the ledger
 * unreachable) gets Lambda's two retries, then the dead-letter queue. Its role reads its own secrets and, beyond
 * Slack's threads, writes only its own partition of the ledger.
 */
export function createSinkRelay(
  stack: StackContext['stack'],
  spec: SinkRelaySpec,
  topic: sns.Topic,
  ledger: dynamodb.ITable,
  catalog: Catalog,
): SstFunction {
  const fn = new SstFunction(stack, spec.id, {
    handler: spec.handler,
    // No post starts later than 25 s before this (functions/sinks/handler.ts): one takes at most 15 s, and what the
    // run has no time left for is parked, so a slow endpoint never runs the function out of time.
    timeout: 60,
    environment: { ...spec.environment, LEDGER_TABLE: ledger.tableName },
    // An approval request is shown from the ledger with the routes the catalog configures (functions/slack/approvals.ts).
    nodejs: catalogBundling(catalog),
  });
  // Each secret readable by this function's role alone (and Slack's by the approval callback): sink-secret-policy.ts.
  for (const s of spec.secrets) {
    grantSinkSecret(fn, s.id, s.name, stack);
    guardSinkSecret(stack, s.id, s.name);
  }
  if ('all' in spec.ledger) grantLedger(ledger, fn, spec.ledger.all);
  else {
    grantLedger(ledger, fn, ['GetItem']);
    grantLedgerPartition(ledger, fn, ['Query', 'PutItem', 'UpdateItem', 'DeleteItem'], spec.ledger.partitions);
  }
  const dlq = new sqs.Queue(stack, `${spec.id}Dlq`, {
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

  scheduleInvocation(stack, spec.redeliver.id, {
    fn,
    expression: REDELIVER_RATE,
    input: spec.redeliver.input,
    description: spec.redeliver.description,
    roleDescription: spec.redeliver.roleDescription,
    // The next run comes within three hours: retrying one longer only piles runs up.
    retryPolicy: { maximumEventAgeInSeconds: 2 * 3600, maximumRetryAttempts: 2 },
    dlq,
  });
  return fn;
}

/** Teams' function, when the catalog configures Teams. */
function teamsRelay(catalog: Catalog): SinkRelaySpec | undefined {
  const teams = catalog.notifications.teams;
  if (!teams) return undefined;
  return {
    id: 'TeamsNotify',
    handler: 'functions/sinks/teams-notify.handler',
    environment: { TEAMS_SECRET_NAME: teams.secretName },
    secrets: [{ id: 'TeamsSecret', name: teams.secretName }],
    ledger: { partitions: ['TEAMS'] },
    redeliver: {
      id: 'TeamsRedeliver',
      input: { teams: 'redeliver' },
      description: 'Goldsmith: post what Teams refused earlier (an outage, a 429 storm), oldest first',
      roleDescription: 'Goldsmith: EventBridge Scheduler has the Teams function try what waits for Teams',
    },
  };
}

/** The signed webhooks' one function, when the catalog names any: each endpoint a partition of its own. */
function webhooksRelay(catalog: Catalog): SinkRelaySpec | undefined {
  const hooks = catalog.notifications.webhooks;
  if (hooks.length === 0) return undefined;
  return {
    id: 'WebhookNotify',
    handler: 'functions/sinks/webhook-notify.handler',
    environment: {
      WEBHOOKS: JSON.stringify(hooks.map(({ name, url, secretName }) => ({ name, url, secretName }))),
      WEBHOOK_SECRET_NAMES: hooks.map((h) => h.secretName).join(','),
    },
    secrets: hooks.map((h) => ({ id: `WebhookSecret-${h.name}`, name: h.secretName })),
    ledger: { partitions: hooks.map((h) => `WEBHOOK#${h.name}`) },
    redeliver: {
      id: 'WebhookRedeliver',
      input: { webhooks: 'redeliver' },
      description: 'Goldsmith: post what the signed webhooks refused earlier (an outage, a 429 storm), oldest first',
      roleDescription: 'Goldsmith: EventBridge Scheduler has the webhook function try what waits for each endpoint',
    },
  };
}

/**
 * The relay functions of the chat sinks besides Slack's (stacks/notifications/slack.ts), by the sink's catalog key
 * (core/notifications/sinks.ts): what the catalog configures, nothing else.
 */
export function createSinkRelays(
  stack: StackContext['stack'],
  catalog: Catalog,
  topic: sns.Topic,
  ledger: dynamodb.ITable,
): Record<string, SstFunction | undefined> {
  const specs: Record<string, SinkRelaySpec | undefined> = {
    teams: teamsRelay(catalog),
    webhooks: webhooksRelay(catalog),
  };
  return Object.fromEntries(
    Object.entries(specs).map(([key, spec]) => [
      key,
      spec ? createSinkRelay(stack, spec, topic, ledger, catalog) : undefined,
    ]),
  );
}
