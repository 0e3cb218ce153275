import * as z from 'zod';
import { organizationChange, pointerShareChange } from './scenario-organization.js';
import { outsideChange } from './scenario-outside.js';

/** The scenario file of `goldsmith simulate --scenario FILE` (docs/simulation.md describes it). */
export const isoTime = z.iso.datetime({
  offset: true,
  message: 'must be an ISO-8601 time like "2027-01-20T09:00:00Z"',
});

export const timing = z.union([
  z.strictObject({ at: isoTime }),
  z.strictObject({ when: z.literal('approval-requested'), nth: z.number().int().min(1).default(1) }),
]);

const image = z.string().min(1);

/** Who sends a raw event (docs/simulation.md, "Senders"): `ci`, `goldsmith`, or a principal ARN. */
const sender = z.union([
  z.enum(['ci', 'goldsmith']),
  z.string().regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:.+$/, 'must be "ci", "goldsmith" or an IAM principal ARN'),
]);

/** An approval decided the way an approver would: by signed link or a Slack button, as `by` or a raw Slack user. */
const decision = <K extends 'approve' | 'reject'>(kind: K) =>
  z.strictObject({
    kind: z.literal(kind),
    image: image.optional(),
    channel: z.string().optional(),
    by: z.string().min(1).optional(),
    via: z.enum(['link', 'slack']).default('link'),
    /** A raw Slack user id (someone the catalog may not map), instead of an approver's name. */
    slackUser: z.string().min(1).optional(),
    tamper: z.boolean().default(false),
    /** Why (a rejection by link sends it in the confirmation form, as a person would type it; at most 1,000 characters). */
    reason: z.string().min(1).max(1000).optional(),
  });

export const kinds = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('base-image-release'),
    parameter: z.string().startsWith('/'),
    region: z.string().optional(),
  }),
  z.strictObject({ kind: z.literal('package-release'), package: z.string().min(1), version: z.string().min(1) }),
  z.strictObject({
    kind: z.literal('build-fails'),
    image,
    reason: z.string().min(1),
    count: z.number().int().min(1).default(1),
  }),
  z.strictObject({
    kind: z.literal('findings'),
    image,
    critical: z.number().int().min(0).default(0),
    high: z.number().int().min(0).default(0),
    medium: z.number().int().min(0).default(0),
  }),
  decision('approve'),
  decision('reject'),
  // A manual build through the operator endpoint, as the catalog's first operator principal.
  z.strictObject({ kind: z.literal('build'), image, reason: z.string().min(1).optional() }),
  // An extension: any operator request (events/operator-request.ts) as a principal; saved states journal these.
  z.strictObject({
    kind: z.literal('operator'),
    request: z.record(z.string(), z.unknown()),
    as: z.string().min(1).optional(),
    // Names the exchange in the run's record (never sent): an acting command finds its own answer by it.
    id: z.string().min(1).optional(),
  }),
  // CI's package-release event, in the form events/README.md tells CI to use (source goldsmith.ci on Goldsmith's bus).
  z.strictObject({
    kind: z.literal('ci-package-update'),
    package: z.string().min(1),
    version: z.string().min(1),
    images: z.array(z.string().min(1)).min(1).optional(),
    as: sender.default('ci'),
  }),
  z.strictObject({
    kind: z.literal('revoke'),
    image,
    version: z.string().regex(/^\d+\.\d+\.\d+\/\d+$/, 'must be a build version like "1.0.0/3"'),
    reason: z.string().min(1),
    // The operator principal the revocation is sent as (default: the catalog's first operator).
    as: z.string().min(1).optional(),
  }),
  // A new finding on a build already built (Image Builder's "CVE Detected").
  z.strictObject({
    kind: z.literal('cve'),
    image,
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+\/\d+$/, 'must be a build version like "1.0.0/3"')
      .optional(),
    critical: z.number().int().min(0).default(0),
    high: z.number().int().min(0).default(0),
    medium: z.number().int().min(0).default(0),
  }),
  z.strictObject({
    kind: z.literal('rollback'),
    image,
    channel: z.string().min(1),
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+\/\d+$/, 'must be a build version like "1.0.0/3"')
      .optional(),
    reason: z.string().min(1).optional(),
    as: z.string().min(1).optional(),
  }),
  // Nobody answers this approval request, so it expires (even with approvals "auto").
  z.strictObject({ kind: z.literal('let-expire'), image: image.optional(), channel: z.string().optional() }),
  organizationChange,
  pointerShareChange,
  outsideChange,
]);

export const rawEvent = z.strictObject({
  event: z.record(z.string(), z.unknown()),
  as: sender.optional(),
  bus: z.enum(['goldsmith', 'default']).optional(),
});

/** One scenario event: a timing (`at`, or `when: approval-requested`) plus a kind or a raw EventBridge event. */
export const scenarioEventSchema = z.unknown().transform((value, ctx) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'must be an object' });
    return z.NEVER;
  }
  const { at, when, nth, image: img, channel, ...rest } = value as Record<string, unknown>;
  const timed = timing.safeParse(when === undefined ? { at } : { when, ...(nth === undefined ? {} : { nth }) });
  if (!timed.success) {
    for (const issue of timed.error.issues)
      ctx.addIssue({ ...issue, path: issue.path, code: 'custom', message: issue.message });
    return z.NEVER;
  }
  const body =
    'event' in rest
      ? rawEvent.safeParse(rest)
      : kinds.safeParse({
          ...rest,
          ...(img === undefined ? {} : { image: img }),
          ...(channel === undefined ? {} : { channel }),
        });
  if (!body.success) {
    for (const issue of body.error.issues)
      ctx.addIssue({ ...issue, path: issue.path, code: 'custom', message: issue.message });
    return z.NEVER;
  }
  const filter =
    when === undefined
      ? {}
      : {
          image: typeof img === 'string' ? img : undefined,
          channel: typeof channel === 'string' ? channel : undefined,
        };
  return { timing: timed.data, filter, action: body.data };
});

/**
 * Services an outage window can name: an `apiCalls` prefix, `lambda` for our own functions' invocations, or `slack`
 * for the Slack stand-in (which then answers `status`: 503 by default, or 429 with `retryAfterSeconds`).
 */
export const OUTAGE_SERVICES = [
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
  'slack',
] as const;

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
  .refine((o) => o.service === 'slack' || (o.status === undefined && o.retryAfterSeconds === undefined), {
    message: 'only a slack outage takes status and retryAfterSeconds',
    path: ['status'],
  });

const share = z.number().min(0).max(1);

/**
 * A fleet of member accounts that follows one image's channel the way teams do (local/simulator/fleets.ts): each
 * account of the channel's targets (or `accountsPerOu` of each OU) runs `instances` instances through a launch
 * template and an Auto Scaling group in every Region of the image; on a new pointer value, "prompt" teams move within
 * `promptDays`, "late" ones within `lateDays`, and "never" teams stay on what they first launched. Moving is an
 * instance refresh: half the instances at once, the rest `refreshHours` later.
 */
const fleetSchema = z.strictObject({
  image,
  channel: z.string().min(1),
  accountsPerOu: z.number().int().min(1).optional(),
  instances: z.number().int().min(1).max(1000).default(4),
  teams: z
    .strictObject({ prompt: share, late: share, never: share })
    .refine((t) => Math.abs(t.prompt + t.late + t.never - 1) < 1e-9, { message: 'prompt + late + never must be 1' })
    .default({ prompt: 0.7, late: 0.2, never: 0.1 }),
  promptDays: z.number().positive().max(60).default(3),
  lateDays: z
    .tuple([z.number().positive(), z.number().positive()])
    .refine(([a, b]) => b >= a, { message: 'the second number must not be below the first' })
    .default([10, 40]),
  refreshHours: z.number().positive().max(72).default(2),
  /**
   * Groups that follow Goldsmith's rollout: `true` for every account of the fleet, or a share of them (chosen by the
   * seed). Those groups and their launch templates carry `goldsmith:follow=<image>/<channel>` and name their AMI in a
   * numbered version; their teams stop moving them by hand. Of the other accounts, a quarter run a tagged group whose
   * template names its AMI by `resolve:ssm:` (not rollout-ready: the rollout skips it) and refresh it by hand.
   */
  rollout: z.union([z.literal(true), share]).optional(),
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

export const scenarioSchema = z.strictObject({
  start: isoTime,
  until: isoTime,
  organization: z
    .strictObject({
      accountsPerOu: z.number().int().min(1).max(5000).default(25),
      /** Levels of OUs from each OU a channel names down to the OUs that hold the accounts (1: flat). */
      levels: z.number().int().min(1).max(5).default(1),
      /** Child OUs per OU and level below a named OU (with `levels` > 1). */
      fanOut: z.number().int().min(1).max(20).default(2),
      regions: z.array(z.string()).optional(),
    })
    .default({ accountsPerOu: 25, levels: 1, fanOut: 2 }),
  events: z.array(scenarioEventSchema).default([]),
  approvals: z.enum(['auto', 'none']).default('auto'),
  faults: z
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
    }),
  seed: z.number().int().default(1),
  /** Member accounts' fleets (none by default: a scenario without them runs exactly as before). */
  fleets: z.array(fleetSchema).default([]),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioEvent = Scenario['events'][number];
export type ScenarioAction = ScenarioEvent['action'];
export type ScenarioFleet = Scenario['fleets'][number];
