import * as z from 'zod';
import { formatDuration, tryParseDuration } from '../duration.js';
import { SINK_BLOCKS } from '../notifications/sink-schemas.js';
import { DEFAULT_WINDOW_DAYS } from '../reconcile/decide.js';
import { durationSchema } from './schema-fields.js';

/** The catalog's settings: notifications, monitoring and resilience (core/config/schema.ts). */

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
  /**
   * Approver name (as channels' `approval.approvers` say) → the one email address that receives that approver's own
   * approve/reject links (an SNS subscription filtered on the approver). The team's addresses above never receive a
   * link: their approval announcement says who must decide and how.
   */
  approvers: z.record(z.string().min(1), z.email('must be an email address')).default({}),
  /** The chat sinks: Slack, Teams, signed webhooks (core/notifications/sink-schemas.ts). */
  ...SINK_BLOCKS,
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

/**
 * The retention periods CloudWatch Logs accepts, in days
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Alarm settings: a channel that has not moved for `staleChannelAfter` raises the stale-golden-image alarm. */
/** The longest the full sweep of launch permissions may wait: a change no event announced stays at most this long. */
export const MAX_SWEEP_DAYS = 30;

/** Whole days, 1 to MAX_SWEEP_DAYS (the sweep runs on the reconciler's daily pass). */
export const sweepEverySchema = durationSchema.superRefine((d, ctx) => {
  const seconds = tryParseDuration(d);
  if (seconds === undefined) return;
  if (seconds % 86_400 !== 0 || seconds < 86_400 || seconds > MAX_SWEEP_DAYS * 86_400) {
    ctx.addIssue({
      code: 'custom',
      message: `must be whole days from 1d to ${MAX_SWEEP_DAYS}d (the audit's sweep runs once a day at most)`,
    });
  }
});

/**
 * The longest `pipelineListingEvery`: shorter than the reconciler's listing window (DEFAULT_WINDOW_DAYS, the schedule's
 * `windowDays`), so a build created just after one listing is still inside the window at the next.
 */
export const MAX_PIPELINE_LISTING_DAYS = DEFAULT_WINDOW_DAYS - 1;

export const monitoringSchema = z.strictObject({
  staleChannelAfter: durationSchema.default('45d'),
  /**
   * How often the audit's full sweep reads back every live version's launch permissions in every Region
   * (DescribeImageAttribute per AMI). Between sweeps a change is read back when its event arrives (EC2's
   * ModifyImageAttribute through CloudTrail, which needs a trail), or the next day from CloudTrail's event history
   * (functions/audit-history.ts, no trail needed). The forwarding rules (and their targets) are read with this sweep.
   */
  launchPermissionSweepEvery: sweepEverySchema.default('28d'),
  /**
   * How often the functions' audit reads back every Goldsmith function (GetFunction, one a function). Between full
   * read-backs a function is read back on its Lambda call's CloudTrail event (needs a trail), the next day from
   * CloudTrail's event history (functions/audit-history.ts, no trail needed), or on its expected properties' Parameter
   * Store change; the roles are read back daily.
   */
  functionSweepEvery: sweepEverySchema.default('28d'),
  /**
   * How often the audit's full sweep reads back every channel pointer in every Region (GetParameters, ten a call).
   * Between sweeps a pointer is read back when Parameter Store's own change event arrives (no trail needed), or, that
   * event lost, the next day when the event history's daily read finds the call (functions/audit-history.ts).
   */
  pointerSweepEvery: sweepEverySchema.default('28d'),
  /**
   * How often the audit reads the resource policies on every shared pointer (GetResourcePolicies, one a pointer).
   * A policy someone puts on a pointer makes RAM create a share of its own for it, so every day the audit lists the
   * parameters RAM shares in each Region (ListResources, one call per 500) and reads the policies of any pointer held
   * by a share other than its channel's; CloudTrail's PutResourcePolicy event (needs a trail) reads that pointer's
   * within minutes. This sweep is the backstop for what neither shows: a policy that makes no share.
   */
  pointerPolicySweepEvery: sweepEverySchema.default('28d'),
  /**
   * How often organization-sync reads the whole organization (ListOrganizationalUnitsForParent and
   * ListAccountsForParent under every OU) and holds what changed. Between full reads Organizations' own events, which
   * CloudTrail puts on US East (N. Virginia)'s default bus (needs a trail: docs/organization.md), bring each change;
   * the full read catches an event lost on the way, at most this long after the change.
   */
  organizationFullReadEvery: sweepEverySchema.default('7d'),
  /**
   * How often the reconciler lists every catalog pipeline's builds (ListImagePipelineImages, a build no event and no
   * ledger record told of). Between listings it asks Image Builder only about the builds the ledger holds open, and
   * lists a pipeline only when one of its open builds is overdue (Image Builder no longer describes it). At most
   * MAX_PIPELINE_LISTING_DAYS: each listing reads the last DEFAULT_WINDOW_DAYS days of builds.
   */
  pipelineListingEvery: sweepEverySchema
    .superRefine((d, ctx) => {
      const seconds = tryParseDuration(d);
      if (seconds !== undefined && seconds > MAX_PIPELINE_LISTING_DAYS * 86_400) {
        ctx.addIssue({
          code: 'custom',
          message: `must be at most ${MAX_PIPELINE_LISTING_DAYS}d: the reconciler lists the last ${DEFAULT_WINDOW_DAYS} days of builds, so a longer period would leave builds no listing sees`,
        });
      }
    })
    .default('7d'),
  /**
   * KMS's grants quota per key for the factory account ("Grants per KMS key", 50,000 unless raised in Service
   * Quotas: https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html): the daily grants count
   * (functions/key-grants.ts) announces a Region whose AMI key holds 80 % of it.
   */
  keyGrantQuota: z.number().int().positive().default(50_000),
  /** The share of that quota one account's grants may hold before the daily grants count announces it by name. */
  keyGrantAccountShare: z.number().gt(0).max(1).default(0.05),
  /** How long every function's and the state machine's logs are kept, in days (one of CloudWatch's periods). */
  logRetentionDays: z
    .literal(LOG_RETENTION_DAYS, {
      error: `must be one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .default(365),
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

/** The default of `resilience.pauseBuildsAfterFailures`: three failed builds in a row pause an image's builds. */
export const DEFAULT_PAUSE_BUILDS_AFTER_FAILURES = 3;
/** The most failed builds in a row the breaker may wait for (one a day for three weeks is already plenty). */
export const MAX_PAUSE_BUILDS_AFTER_FAILURES = 20;

const pauseAfterMessage = `must be a whole number of failed builds from 1 to ${MAX_PAUSE_BUILDS_AFTER_FAILURES}`;

/**
 * Riding out AWS outages: the retry horizon of every promotion step; and Goldsmith's build circuit breaker: after
 * this many failed builds of an image in a row, no trigger starts another until an operator resumes its builds
 * (`goldsmith resume IMAGE --builds`).
 */
export const resilienceSchema = z.strictObject({
  retryHorizon: retryHorizonSchema.default('24h'),
  pauseBuildsAfterFailures: z
    .number({ error: pauseAfterMessage })
    .int(pauseAfterMessage)
    .min(1, pauseAfterMessage)
    .max(MAX_PAUSE_BUILDS_AFTER_FAILURES, pauseAfterMessage)
    .default(DEFAULT_PAUSE_BUILDS_AFTER_FAILURES),
});
