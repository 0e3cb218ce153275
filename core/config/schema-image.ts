import * as z from 'zod';
import { tryParseDuration } from '../duration.js';
import { MAX_DEPRECATE_AFTER_SECONDS } from '../lifecycle/deprecation.js';
import { cronProblem } from '../schedule/cron.js';
import { calendarDateText, monthlyPatchClash } from '../schedule/monthly-patch.js';
import { isIanaTimezone } from '../schedule/timezone.js';
import { ARCHITECTURES, PLATFORMS } from './platforms.js';
import { durationSchema, nameSchema, regionSchema, timezoneSchema } from './schema-fields.js';

/** A time of day, HH:MM on a 24-hour clock. */
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The catalog's image entry: parent, components, schedule, retention and revocation (core/config/schema.ts). */

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
        at: z.string().regex(TIME_OF_DAY, 'must be a time of day like "03:00"'),
        timezone: timezoneSchema,
      })
      .superRefine((s, ctx) => {
        // Scheduler skips a run whose time a daylight-saving jump skips (for a monthly build, the month's build) and
        // runs a repeated time once: refused only when a real build day (not any day of the year) would hit one.
        // https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#daylist-savings-time
        if (!isIanaTimezone(s.timezone) || !TIME_OF_DAY.test(s.at)) return;
        const clash = monthlyPatchClash(s);
        if (clash === undefined) return;
        const date = calendarDateText(clash.date);
        ctx.addIssue({
          code: 'custom',
          path: ['at'],
          message:
            clash.kind === 'skipped'
              ? `${s.at} does not exist on ${date} in ${s.timezone} (clocks go forward), a build day for daysAfterPatchTuesday ${s.daysAfterPatchTuesday}; EventBridge Scheduler would skip that month's build: choose another time`
              : `${s.at} happens twice on ${date} in ${s.timezone} (clocks go back), a build day for daysAfterPatchTuesday ${s.daysAfterPatchTuesday}; choose a time that happens once`,
        });
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
  /**
   * The operating system (Image Builder's recipe platform, the parent image's): read off the parent's name where it
   * says it (core/config/platforms.ts), inherited from a catalog parent, required for an AMI whose parent says nothing
   * (an AMI id). A container image without one is Linux.
   */
  platform: z.enum(PLATFORMS).optional(),
  /**
   * The processor architecture, the parent's: read off the parent's name or inherited like `platform`, required for
   * an AMI whose parent says nothing. Every instance type must run it.
   */
  architecture: z.enum(ARCHITECTURES).optional(),
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
      /**
       * How long the deletion of a version member accounts still use waits for them to move off it (default 30d;
       * docs/fleet.md); after that the hold is flagged for an operator, and the AMIs are still not deleted.
       */
      holdInUseFor: durationSchema.optional(),
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
