import * as z from 'zod';
import { pricesOverrideSchema } from '../cost/prices.js';
import { DURATION_PATTERN, formatDuration, ONE_YEAR_SECONDS, tryParseDuration } from '../duration.js';
import { MAX_DEPRECATE_AFTER_SECONDS } from '../lifecycle/deprecation.js';
import { isCommercialRegion } from '../regions.js';
import { cronProblem } from '../schedule/cron.js';
import { isIanaTimezone, isSkippedSomeDay } from '../schedule/timezone.js';
import { accessSchema, DEFAULT_ACCESS } from './access.js';

/**
 * The catalog schema: one zod schema shared by the stacks, the functions and the CLI.
 * Structural and single-field rules live here; cross-field rules (lineage, uniqueness, references) live in `rules/`
 * and are attached with `superRefine` in `catalog.ts`, so one `safeParse` reports every problem at once.
 */

/** A duration written as `30m`, `12h`, `3d` or `2w`; parsed to seconds by `parseDuration`. */
export const durationSchema = z.string().regex(DURATION_PATTERN, 'must be a duration like "30m", "12h", "3d" or "2w"');

/** An AWS commercial Region code; see `core/regions.ts`. */
export const regionSchema = z.string().refine(isCommercialRegion, {
  error: (issue) => `unknown AWS Region ${JSON.stringify(issue.input)}`,
});

/** An IANA time zone name, as EventBridge Scheduler's `ScheduleExpressionTimezone` takes it. */
export const timezoneSchema = z.string().refine(isIanaTimezone, {
  error: (issue) => `unknown IANA time zone ${JSON.stringify(issue.input)} (e.g. "Europe/London", "UTC")`,
});

/** An approval wait: a task-token wait inside a Standard workflow, so at most its one-year execution limit. */
export const approvalTimeoutSchema = durationSchema.superRefine((d, ctx) => {
  const seconds = tryParseDuration(d);
  if (seconds === undefined) return;
  if (seconds === 0) ctx.addIssue({ code: 'custom', message: 'must be longer than zero' });
  if (seconds > ONE_YEAR_SECONDS) {
    ctx.addIssue({
      code: 'custom',
      message: `${d} exceeds Step Functions' one-year maximum execution time (${formatDuration(ONE_YEAR_SECONDS)})`,
    });
  }
});

export const awsAccountIdSchema = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
export const ouIdSchema = z
  .string()
  .regex(/^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/, 'must be an OU id like "ou-ab12-cd34ef56"');
export const organizationIdSchema = z
  .string()
  .regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id like "o-a1b2c3d4e5"');
export const nameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes, starting with a letter');

/** A parent image: `ssm:<public parameter>`, `ami-…`, an Image Builder ARN, `docker:<repo:tag>`, or a catalog image. */
export const parentSchema = z.union(
  [
    z
      .string()
      .regex(
        /^(ssm:\/.+|ami-[0-9a-f]{8,17}|arn:aws[a-z-]*:imagebuilder:[a-z0-9-]+:(\d{12}|aws):image\/.+|docker:.+)$/,
        'must be "ssm:/parameter/name", an AMI id, an Image Builder image ARN, "docker:repo:tag" or { image, channel }',
      ),
    z.strictObject({ image: nameSchema, channel: nameSchema }),
  ],
  {
    error:
      'must be "ssm:/parameter/name", an AMI id, an Image Builder image ARN, "docker:repo:tag" or { image, channel }',
  },
);

export const componentRefSchema = z.union(
  [
    z.strictObject({
      managed: z.string().min(1, 'must name an AWS-managed component'),
      version: z
        .string()
        .regex(/^(\d+|x)\.(\d+|x)\.(\d+|x)$/, 'must be a semantic version like "1.0.x"')
        .optional(),
    }),
    z.strictObject({
      file: z.string().min(1, 'must be a path to an AWSTOE YAML document under components/'),
      parameters: z.record(z.string(), z.string()).optional(),
    }),
  ],
  { error: 'must be { managed, version? } (an AWS-managed component) or { file, parameters? } (an AWSTOE document)' },
);

export const scheduleSchema = z.discriminatedUnion(
  'type',
  [
    z
      .strictObject({
        type: z.literal('monthly-patch'),
        daysAfterPatchTuesday: z.number().int().min(0).max(20),
        at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day like "03:00"'),
        timezone: timezoneSchema,
      })
      .superRefine((s, ctx) => {
        const [hour, minute] = s.at.split(':').map(Number) as [number, number];
        // Scheduler skips a run in a daylight-saving gap; for a monthly build that would skip the whole month.
        if (isIanaTimezone(s.timezone) && /^\d\d:\d\d$/.test(s.at) && isSkippedSomeDay(s.timezone, hour, minute)) {
          ctx.addIssue({
            code: 'custom',
            path: ['at'],
            message: `${s.at} does not exist on some days in ${s.timezone} (daylight-saving jump); EventBridge Scheduler would skip that month's build: choose another time`,
          });
        }
      }),
    z.strictObject({
      type: z.literal('cron'),
      expression: z.string().superRefine((expr, ctx) => {
        const problem = cronProblem(expr);
        if (problem) ctx.addIssue({ code: 'custom', message: `invalid cron expression: ${problem}` });
      }),
      timezone: timezoneSchema.default('UTC'),
    }),
  ],
  { error: 'must have type "monthly-patch" or "cron"' },
);

/** A retired version stays a month, deprecated and unshared, so a fleet still pinned to it can move on. */
export const DEFAULT_DELETE_AFTER = '30d';
/** A build nobody may use (never promoted) stays a week, long enough to investigate why it failed. */
export const DEFAULT_UNPROMOTED_GRACE = '7d';

export const imageSchema = z.strictObject({
  kind: z.enum(['ami', 'container']).default('ami'),
  description: z.string().max(1024).optional(),
  platform: z.enum(['Linux', 'Windows']).default('Linux'),
  version: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version like "1.0.0"')
    .default('1.0.0'),
  parent: parentSchema,
  components: z.array(componentRefSchema).min(1, 'must list at least one build component'),
  tests: z.array(componentRefSchema).default([]),
  instanceTypes: z
    .array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'must be an instance type like "m7i.large"'))
    .min(1)
    .default(['m7i.large']),
  regions: z.array(regionSchema).min(1, 'must list at least one region'),
  schedule: scheduleSchema.optional(),
  triggers: z
    .strictObject({
      baseImage: z.boolean().default(true),
      packages: z.array(z.string().min(1)).default([]),
    })
    .default({ baseImage: true, packages: [] }),
  retention: z
    .strictObject({
      keep: z.number().int().min(1).max(100).default(3),
      /**
       * How long after a build was created its AMIs are deprecated (EC2 EnableImageDeprecation, every region): hidden
       * from consumers' DescribeImages listings from then on, still launchable by id. At most 10 years (EC2's limit).
       */
      deprecateAfter: durationSchema
        .refine((d) => (tryParseDuration(d) ?? 0) <= MAX_DEPRECATE_AFTER_SECONDS, {
          error: 'must be at most 3650d: EC2 deprecates an AMI at most 10 years ahead',
        })
        .optional(),
      /** How long a retired (deprecated, unshared) version stays before it is deregistered and its snapshots deleted. */
      deleteAfter: durationSchema.default(DEFAULT_DELETE_AFTER),
      /** How long a build that was never promoted (failed, rejected, expired, aborted) stays before it is deleted. */
      unpromotedGrace: durationSchema.default(DEFAULT_UNPROMOTED_GRACE),
    })
    .default({ keep: 3, deleteAfter: DEFAULT_DELETE_AFTER, unpromotedGrace: DEFAULT_UNPROMOTED_GRACE }),
  /**
   * What revoking a version of this image does to the versions of child images built on it (recorded lineage):
   * `rebuild` (default) flags them and rebuilds the children on the rolled-back parent; `revoke` also revokes them,
   * and theirs in turn, at any depth, before that rebuild.
   */
  revocation: z
    .strictObject({ descendants: z.enum(['rebuild', 'revoke']).default('rebuild') })
    .default({ descendants: 'rebuild' }),
  /** Channels this image is promoted through; default: all channels in catalog order. */
  channels: z.array(nameSchema).min(1, 'must list at least one channel (leave it out for every channel)').optional(),
  /** Container images only: the ECR repository the image is pushed to. */
  repository: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._/-]*$/, 'must be an ECR repository name')
    .optional(),
});

export const targetsSchema = z.strictObject({
  /** The whole organization (its ARN is granted when nothing is excluded). */
  organization: z.boolean().default(false),
  ous: z.array(ouIdSchema).default([]),
  accounts: z.array(awsAccountIdSchema).default([]),
  accountTags: z.record(z.string(), z.string()).default({}),
  exclude: z
    .strictObject({
      ous: z.array(ouIdSchema).default([]),
      accounts: z.array(awsAccountIdSchema).default([]),
    })
    .default({ ous: [], accounts: [] }),
  /** Also share the AMI's snapshots (createVolumePermission), so targets can copy the AMI, not only launch it. */
  allowCopy: z.boolean().default(false),
});

export const vulnerabilityPolicySchema = z.strictObject({
  maxCritical: z.number().int().min(0).default(0),
  maxHigh: z.number().int().min(0).default(0),
  maxMedium: z.number().int().min(0).optional(),
  /**
   * Severities whose new finding on a version already promoted to this channel revokes it at once (default: none;
   * a breach then rebuilds the image out of cycle and leaves the version in place until the patched one arrives).
   */
  revokeOn: z.array(z.enum(['critical', 'high', 'medium'])).default([]),
});

export const channelSchema = z.strictObject({
  name: nameSchema,
  targets: targetsSchema,
  approval: z
    .strictObject({
      approvers: z.array(z.string().min(1)).min(1, 'must name at least one approver'),
      timeout: approvalTimeoutSchema,
    })
    .optional(),
  soak: durationSchema.optional(),
  vulnerabilities: vulnerabilityPolicySchema.default({ maxCritical: 0, maxHigh: 0, revokeOn: [] }),
});

/** What an email subscriber receives: SNS filter policy values per message attribute (all given keys must match). */
export const emailFilterSchema = z.strictObject({
  events: z.array(z.string().min(1)).min(1).optional(),
  channels: z.array(z.string().min(1)).min(1).optional(),
  images: z.array(z.string().min(1)).min(1).optional(),
  severities: z
    .array(z.enum(['info', 'warning', 'critical']))
    .min(1)
    .optional(),
});

export const emailSubscriberSchema = z.union([
  z.email('must be an email address'),
  z.strictObject({ address: z.email('must be an email address'), only: emailFilterSchema }),
]);

export const notificationsSchema = z.strictObject({
  email: z.array(emailSubscriberSchema).default([]),
  slack: z
    .strictObject({
      /** Secrets Manager secret: JSON `{ "botToken": "xoxb-…", "signingSecret": "…" }` of the Slack app. */
      secretName: z.string().min(1),
      channel: z.string().regex(/^#?[a-z0-9._-]{1,80}$/, 'must be a Slack channel like "#golden-images"'),
      /** Approver name (as channels' `approval.approvers` say) → Slack user id; only these may press the buttons. */
      approvers: z
        .record(z.string().min(1), z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'must be a Slack user id like "U024BE7LH"'))
        .default({}),
    })
    .optional(),
  /** The monthly summary of the month before, sent on `day` at `at` (UTC; months are UTC months); `false`: never. */
  monthlySummary: z
    .union([
      z.literal(false),
      z.strictObject({
        day: z.number().int().min(1).max(28).default(1),
        at: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day like "09:00"')
          .default('09:00'),
      }),
    ])
    .default({ day: 1, at: '09:00' }),
});

/** Alarm settings: a channel that has not moved for `staleChannelAfter` raises the stale-golden-image alarm. */
export const monitoringSchema = z.strictObject({
  staleChannelAfter: durationSchema.default('45d'),
});

/** The shortest retry horizon: outages AWS routinely recovers from within an hour must not fail a promotion. */
export const MIN_RETRY_HORIZON_SECONDS = 3600;
/**
 * The longest: a step retrying every 10 minutes writes about three history events per attempt, and a Standard
 * execution's history holds at most 25,000 events
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html); a week is about 3,000 per step.
 */
export const MAX_RETRY_HORIZON_SECONDS = 7 * 86_400;

/** How long each promotion step waits out transient errors before the promotion pauses (core/errors/retry.ts). */
export const retryHorizonSchema = durationSchema.superRefine((d, ctx) => {
  const seconds = tryParseDuration(d);
  if (seconds === undefined) return;
  if (seconds < MIN_RETRY_HORIZON_SECONDS || seconds > MAX_RETRY_HORIZON_SECONDS) {
    ctx.addIssue({
      code: 'custom',
      message: `must be between ${formatDuration(MIN_RETRY_HORIZON_SECONDS)} and ${formatDuration(MAX_RETRY_HORIZON_SECONDS)} (a shorter one turns a regional outage into paused promotions; a longer one outgrows Step Functions' 25,000-event execution history)`,
    });
  }
});

/** Riding out AWS outages: the retry horizon of every promotion step. */
export const resilienceSchema = z.strictObject({
  retryHorizon: retryHorizonSchema.default('24h'),
});

export const catalogShapeSchema = z.strictObject({
  organization: z.strictObject({
    id: organizationIdSchema,
    homeRegion: regionSchema,
  }),
  // Names are checked by a refinement rather than the record's key schema: an invalid key would make zod abort
  // and hide every cross-field problem.
  images: z.record(z.string(), imageSchema).superRefine((images, ctx) => {
    for (const name of Object.keys(images)) {
      const checked = nameSchema.safeParse(name);
      if (!checked.success) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `invalid image name: ${checked.error.issues[0]?.message}`,
        });
      }
    }
  }),
  channels: z.array(channelSchema).min(1, 'must define at least one channel'),
  notifications: notificationsSchema.default({ email: [], monthlySummary: { day: 1, at: '09:00' } }),
  monitoring: monitoringSchema.default({ staleChannelAfter: '45d' }),
  resilience: resilienceSchema.default({ retryHorizon: '24h' }),
  /** Overrides of the shipped price table (core/cost/prices.ts) for cost estimates. */
  prices: pricesOverrideSchema,
  access: accessSchema.default(DEFAULT_ACCESS),
});

export type CatalogInput = z.input<typeof catalogShapeSchema>;
export type Catalog = z.output<typeof catalogShapeSchema>;
export type ImageSpec = Catalog['images'][string];
export type ChannelSpec = Catalog['channels'][number];
export type ComponentRef = z.output<typeof componentRefSchema>;
export type ParentRef = z.output<typeof parentSchema>;
export type ScheduleSpec = z.output<typeof scheduleSchema>;
export type TargetsSpec = z.output<typeof targetsSchema>;
