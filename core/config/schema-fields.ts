import * as z from 'zod';
import { DURATION_PATTERN, formatDuration, ONE_YEAR_SECONDS, tryParseDuration } from '../duration.js';
import { isCommercialRegion } from '../regions.js';
import { isIanaTimezone } from '../schedule/timezone.js';

/** The catalog's single-field schemas: durations, Regions, time zones, AWS ids and names (core/config/schema.ts). */

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
