import type { Catalog } from '../config/schema.js';

/**
 * The registry of notification sinks: every place that must know which ways Goldsmith's announcements leave the
 * notifications topic reads this list instead of naming Slack or email itself: the doors' auditor's wanted
 * subscriptions (core/audit/subscriptions.ts, stacks/notifications/audit-doors.ts), the readiness check's secret
 * variables (scripts/readiness/call-resources.ts), preflight's secret checks (aws/preflight/preflight.ts), the
 * approver rule (core/config/rules/approvers.ts), the approval announcement's routes (core/notifications/announce.ts),
 * the stacks' relay functions (stacks/notifications/relays.ts) and the local cloud's stand-ins
 * (local/sinks/stand-ins.ts, saved by local/snapshot/fakes-state.ts). A new sink is one entry here, its catalog block
 * (core/notifications/sink-schemas.ts), its relay and its stand-in (docs/notifications-sinks.md).
 */

type Notifications = Catalog['notifications'];

/** A filter policy as SNS holds it: message attribute → allowed values (SNS's string allowlist). */
export type FilterPolicy = Record<string, string[]>;

/** One subscription a sink's relay holds on the notifications topic. */
export interface SinkSubscription {
  protocol: 'email' | 'lambda';
  endpoint: string;
  filterPolicy?: FilterPolicy | undefined;
}

export interface Sink {
  /** The catalog's key under `notifications` (`notifications.<key>`). */
  key: string;
  /** How the catalog rules and the team's texts name the sink where nobody is told through it ("no Slack"). */
  label: string;
  /** Whether the team hears every announcement (an approval request among them) through this sink. */
  announces(n: Notifications): boolean;
  /**
   * The subscriptions the stacks make for this sink on the notifications topic (the doors' auditor wants exactly
   * these): `relayArnVariable` is the doors' auditor's environment variable naming the sink's relay function, which
   * `env` holds when the stacks made one.
   */
  subscriptions(n: Notifications, env: Readonly<Record<string, string | undefined>>): SinkSubscription[];
  /** The auditor's environment variable naming the sink's relay function, when the sink has one. */
  relayArnVariable?: string;
  /**
   * The sink's Secrets Manager secrets: the variables naming them in its relay's environment (a comma-separated list
   * where it reads several), their names as the catalog gives them (none when the sink is off), their value.
   */
  secret?: { variables: readonly string[]; names(n: Notifications): string[]; shape: string };
  /**
   * How an approver decides through the sink, when it can carry decisions: the words of the approval announcement,
   * the catalog field mapping an approver to it (named by the approver rule), and whether it maps `approver`.
   */
  decisions?: { route: string; field: string; maps(n: Notifications, approver: string): boolean };
  /** The name of the sink's local stand-in among the saved cloud's stateful parts (local/snapshot/fakes-state.ts). */
  standIn?: string;
  /**
   * How a chat sink's metrics name it (`<metric>PostsDeferred`, the `sink` dimension of `SinkBacklogAgeSeconds`:
   * functions/sinks/relay.ts), which the Monitoring stack alarms on (its backlog's age).
   */
  metric?: string;
}

/** An email subscriber's filter policy (stacks/Notifications.ts `emailFilterPolicy`): every key given must match. */
export function emailFilterPolicy(subscriber: Notifications['email'][number]): FilterPolicy | undefined {
  if (typeof subscriber === 'string') return undefined;
  const { events, channels, images, severities } = subscriber.only;
  const policy: FilterPolicy = {
    ...(events ? { event: [...events] } : {}),
    ...(channels ? { channel: [...channels] } : {}),
    ...(images ? { image: [...images] } : {}),
    ...(severities ? { severity: [...severities] } : {}),
  };
  return Object.keys(policy).length > 0 ? policy : undefined;
}

const EMAIL: Sink = {
  key: 'email',
  label: 'notifications.email',
  announces: (n) => n.email.length > 0,
  subscriptions: (n) =>
    n.email.map((s) => ({
      protocol: 'email' as const,
      endpoint: typeof s === 'string' ? s : s.address,
      filterPolicy: emailFilterPolicy(s),
    })),
  // Each approver's own links reach their address alone (the approval-links topic, filtered on `approver`).
  decisions: {
    route: 'open the approve/reject link sent to you alone',
    field: 'notifications.approvers address',
    maps: (n, approver) => Object.hasOwn(n.approvers, approver),
  },
};

const SLACK: Sink = {
  key: 'slack',
  label: 'Slack',
  announces: (n) => n.slack !== undefined,
  relayArnVariable: 'SLACK_FUNCTION_ARN',
  subscriptions: (_n, env) => {
    const arn = env.SLACK_FUNCTION_ARN;
    return arn ? [{ protocol: 'lambda' as const, endpoint: arn }] : [];
  },
  secret: {
    variables: ['SLACK_SECRET_NAME'],
    names: (n) => (n.slack ? [n.slack.secretName] : []),
    shape: '{"botToken":"xoxb-…","signingSecret":"…"}',
  },
  decisions: {
    route: 'press the Slack buttons',
    field: 'notifications.slack.approvers user',
    maps: (n, approver) => Object.hasOwn(n.slack?.approvers ?? {}, approver),
  },
  standIn: 'slack',
  metric: 'Slack',
};

/** A sink whose relay function is subscribed to the whole topic, unfiltered, when the catalog configures it. */
const relaySubscription =
  (variable: string, on: (n: Notifications) => boolean) =>
  (n: Notifications, env: Readonly<Record<string, string | undefined>>): SinkSubscription[] => {
    const arn = env[variable];
    return arn && on(n) ? [{ protocol: 'lambda' as const, endpoint: arn }] : [];
  };

// Teams and the webhooks carry no decision: neither can tell Goldsmith who pressed a button or opened a link.
const TEAMS: Sink = {
  key: 'teams',
  label: 'Teams',
  announces: (n) => n.teams !== undefined,
  relayArnVariable: 'TEAMS_FUNCTION_ARN',
  subscriptions: relaySubscription('TEAMS_FUNCTION_ARN', (n) => n.teams !== undefined),
  secret: {
    variables: ['TEAMS_SECRET_NAME'],
    names: (n) => (n.teams ? [n.teams.secretName] : []),
    shape: '{"webhookUrl":"https://…"}',
  },
  standIn: 'teams',
  metric: 'Teams',
};

const WEBHOOKS: Sink = {
  key: 'webhooks',
  label: 'notifications.webhooks',
  announces: (n) => n.webhooks.length > 0,
  relayArnVariable: 'WEBHOOK_FUNCTION_ARN',
  subscriptions: relaySubscription('WEBHOOK_FUNCTION_ARN', (n) => n.webhooks.length > 0),
  secret: {
    variables: ['WEBHOOK_SECRET_NAMES'],
    names: (n) => n.webhooks.map((w) => w.secretName),
    shape: '{"signingSecret":"<at least 32 characters>"}',
  },
  standIn: 'webhooks',
  metric: 'Webhook',
};

/** Every sink, in the order their subscriptions are listed and their routes named. */
export const SINKS: readonly Sink[] = [EMAIL, SLACK, TEAMS, WEBHOOKS];

/** Whether the team hears of an approval request through some sink the catalog configures. */
export const announcedBySomeSink = (n: Notifications, sinks: readonly Sink[] = SINKS) =>
  sinks.some((s) => s.announces(n));

/** Whether some sink lets `approver` decide (signed links, buttons, …). */
export const sinkMapsApprover = (n: Notifications, approver: string, sinks: readonly Sink[] = SINKS) =>
  sinks.some((s) => s.decisions?.maps(n, approver) === true);

/** The routes an approval announcement names: each sink's that maps one of the request's approvers. */
export function decisionRoutes(
  n: Notifications,
  approvers: readonly string[],
  sinks: readonly Sink[] = SINKS,
): string[] {
  return sinks.flatMap((s) => {
    const d = s.decisions;
    return d && approvers.some((a) => d.maps(n, a)) ? [d.route] : [];
  });
}

/** Every sink's decision route: what an announcement rendered without the catalog names. */
export const everyDecisionRoute = (sinks: readonly Sink[] = SINKS) => sinks.flatMap((s) => s.decisions?.route ?? []);

/** The metric names of the chat sinks the catalog configures (each has a backlog whose age is alarmed). */
export const configuredSinkMetrics = (n: Notifications, sinks: readonly Sink[] = SINKS) =>
  sinks.flatMap((s) => (s.metric && s.announces(n) ? [s.metric] : []));

/** The names of every secret of the sinks the catalog configures (the SCP's and the stacks' sink secret statements). */
export const sinkSecretNames = (n: Notifications, sinks: readonly Sink[] = SINKS) =>
  [...new Set(sinks.flatMap((s) => s.secret?.names(n) ?? []))].sort();

/** The environment variables naming a sink's secrets in a function's environment (each a comma-separated list). */
export const sinkSecretVariables = (sinks: readonly Sink[] = SINKS) => sinks.flatMap((s) => s.secret?.variables ?? []);

/**
 * The doors' auditor's environment naming each sink's relay function (`relayArnVariable`): `relays` by the sink's
 * catalog key, as the stacks made them. A relay of a sink the registry does not know is refused: the auditor would
 * unsubscribe it as a subscription nobody made.
 */
export function relayEnvironment(
  relays: Readonly<Record<string, string | undefined>>,
  sinks: readonly Sink[] = SINKS,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(relays).flatMap(([key, arn]) => {
      if (arn === undefined) return [];
      const variable = sinks.find((s) => s.key === key)?.relayArnVariable;
      if (!variable)
        throw new Error(
          `notifications.${key}: no sink in core/notifications/sinks.ts names its relay (the doors' auditor would remove its subscription)`,
        );
      return [[variable, arn]];
    }),
  );
}
