/**
 * When a build's AMIs are deprecated. EC2 takes DeprecateAt rounded to the minute, refuses a time in the past and one
 * more than 10 years ahead (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EnableImageDeprecation.html).
 */

const MINUTE = 60_000;

/** The longest `retention.deprecateAfter` the catalog accepts: EC2's 10-year limit, counted in 365-day years. */
export const MAX_DEPRECATE_AFTER_SECONDS = 3650 * 86_400;

/**
 * The DeprecateAt EC2 is asked for: `at` rounded to the nearest minute (as EC2 rounds it), or the next whole minute
 * after `now` when that is not later than `now`.
 */
export function deprecationTarget(at: Date, now: Date): Date {
  const rounded = Math.round(at.getTime() / MINUTE) * MINUTE;
  const earliest = Math.ceil((now.getTime() + 1) / MINUTE) * MINUTE;
  return new Date(Math.max(rounded, earliest));
}

/** The time a build's AMIs are deprecated at under `retention.deprecateAfter`: its creation plus that duration. */
export function scheduledDeprecation(createdAt: string, deprecateAfterSeconds: number): Date {
  const created = Date.parse(createdAt);
  if (Number.isNaN(created)) throw new Error(`build creation time "${createdAt}" is not a valid time`);
  return new Date(created + deprecateAfterSeconds * 1000);
}
