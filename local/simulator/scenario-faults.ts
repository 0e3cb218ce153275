import * as z from 'zod';
import { SINKS } from '../../core/notifications/sinks.js';
import { isoTime } from './scenario-events.js';

/** A scenario's faults (docs/simulation.md, "Scenario format"): outages, denied permissions, member accounts' alarms and failing refreshes. */

/**
 * Services an outage window can name: an `apiCalls` prefix, `lambda` for our own functions' invocations, or `slack`,
 * `teams` or `webhooks` for a chat sink's stand-in (which then answers `status`: 503 by default, or 429 with
 * `retryAfterSeconds`).
 */
const AWS_OUTAGE_SERVICES = [
  'imagebuilder',
  'ec2',
  'ssm',
  'sns',
  'sfn',
  'organizations',
  'dynamodb',
  'eventbridge',
  'secretsmanager',
  'sts',
  'ram',
  'ecr',
  'kms',
  'lambda',
] as const;

/** The outage services of the chat sinks' stand-ins, from the registry (core/notifications/sinks.ts `standIn`): each takes `status` and `retryAfterSeconds`. */
const CHAT_SERVICES: readonly string[] = SINKS.flatMap((s) => (s.standIn ? [s.standIn] : []));

export const OUTAGE_SERVICES: readonly [string, ...string[]] = [...AWS_OUTAGE_SERVICES, ...CHAT_SERVICES];

/** One permission a run takes away: `{ function: 'functions/promotion/publish', action: 'ec2:DescribeImages' }`. */
const deniedActionSchema = z.strictObject({
  function: z
    .string()
    .regex(/^functions\/[\w/-]+$/, { message: 'a handler module of the stacks, e.g. functions/promotion/publish' }),
  action: z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9*]+$/, { message: 'an IAM action, e.g. ec2:DescribeImages' }),
});

const outageSchema = z
  .strictObject({
    service: z.enum(OUTAGE_SERVICES),
    from: isoTime,
    until: isoTime,
    status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503)]).optional(),
    retryAfterSeconds: z.number().int().positive().max(86_400).optional(),
  })
  .refine((o) => Date.parse(o.until) > Date.parse(o.from), { message: 'until must be after from', path: ['until'] })
  .refine((o) => CHAT_SERVICES.includes(o.service) || (o.status === undefined && o.retryAfterSeconds === undefined), {
    message: `only a chat sink's outage (${CHAT_SERVICES.join(', ')}) takes status and retryAfterSeconds`,
    path: ['status'],
  });

/** Where a rollout fault applies: one member account, or every account under an OU. */
const account = z.string().regex(/^\d{12}$/);
const ou = z.string().regex(/^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/);

/** `30m`, `2h`, `1d`: how long an alarm stays in ALARM. */
const duration = z.string().regex(/^\d+(m|h|d)$/, 'a duration like 30m, 2h or 1d');

const alarmFields = {
  at: isoTime,
  alarm: z.string().min(1).max(255),
  state: z.literal('ALARM').default('ALARM'),
  for: duration,
};

/** A CloudWatch alarm in ALARM from `at` for `for`, in every Region of the account (or the OU's accounts). */
const alarmFaultSchema = z.union([z.strictObject({ account, ...alarmFields }), z.strictObject({ ou, ...alarmFields })]);

const failureFields = { from: isoTime.optional(), until: isoTime.optional() };

/** An account or OU whose instance refreshes fail: their new instances fail to launch from `from` until `until`. */
const refreshFailureSchema = z.union([
  z.strictObject({ account, ...failureFields }),
  z.strictObject({ ou, ...failureFields }),
]);

/** The scenario's `faults`: all of them off by default. */
export const faultsSchema = z
  .strictObject({
    throttleRate: z.number().min(0).max(1).default(0),
    errorRate: z.number().min(0).max(1).default(0),
    dropImageEvents: z.number().min(0).max(1).default(0),
    deliverEachEventTimes: z.number().int().min(1).max(10).default(1),
    /** Probability that one delivery (event, schedule firing, SNS notice) is repeated once more. */
    duplicateRate: z.number().min(0).max(1).default(0),
    outages: z.array(outageSchema).default([]),
    /** Permissions taken from functions' roles: an explicit Deny of `action` for the function whose handler module is `function`. */
    deny: z.array(deniedActionSchema).default([]),
    /** Member accounts' alarms in ALARM for a while (an instance refresh naming them fails and rolls back). */
    alarms: z.array(alarmFaultSchema).default([]),
    /** Member accounts (or OUs) whose instance refreshes fail. */
    refreshFailures: z.array(refreshFailureSchema).default([]),
  })
  .default({
    throttleRate: 0,
    errorRate: 0,
    dropImageEvents: 0,
    deliverEachEventTimes: 1,
    duplicateRate: 0,
    outages: [],
    deny: [],
    alarms: [],
    refreshFailures: [],
  });
