import { GoldsmithError } from './errors.js';

/** The catalog's duration syntax: a whole number followed by m (minutes), h (hours), d (days) or w (weeks). */
export const DURATION_PATTERN = /^(\d+)(m|h|d|w)$/;

const SECONDS_PER_UNIT = { m: 60, h: 3600, d: 86_400, w: 604_800 } as const;

/** A day in milliseconds. */
export const DAY_MS = SECONDS_PER_UNIT.d * 1000;

/** A month as the run's figures and costs count it: the mean Gregorian month, 365.2425 / 12 days, in milliseconds. */
export const MONTH_MS = 30.436875 * SECONDS_PER_UNIT.d * 1000;

/** A span of months as every output prints it: `2.96 months` (two decimals, so a quarter never reads as 3.0). */
export const monthsText = (months: number): string => `${months.toFixed(2)} months`;

/** One year as Step Functions counts it for a Standard workflow's maximum execution time (365 days). */
export const ONE_YEAR_SECONDS = 365 * SECONDS_PER_UNIT.d;

/** A duration string that does not follow `DURATION_PATTERN`. */
export class InvalidDurationError extends GoldsmithError {
  constructor(readonly duration: string) {
    super(`invalid duration "${duration}": expected a whole number and a unit m, h, d or w, like "30m" or "3d"`);
    this.name = 'InvalidDurationError';
  }
}

/**
 * Converts a catalog duration (`30m`, `12h`, `3d`, `2w`) to seconds.
 * @throws InvalidDurationError when the text is not a duration.
 */
export function parseDuration(d: string): number {
  const match = DURATION_PATTERN.exec(d);
  if (!match) throw new InvalidDurationError(d);
  const amount = Number(match[1]);
  const unit = match[2] as keyof typeof SECONDS_PER_UNIT;
  const seconds = amount * SECONDS_PER_UNIT[unit];
  // Huge digit strings would lose precision; no real duration gets near 2^53 seconds.
  if (!Number.isSafeInteger(seconds)) throw new InvalidDurationError(d);
  return seconds;
}

/** Like `parseDuration`, but returns undefined instead of throwing; for validators that report problems. */
export function tryParseDuration(d: string): number | undefined {
  try {
    return parseDuration(d);
  } catch {
    return undefined;
  }
}

/** Renders seconds for people, in the largest whole unit: `90d`, `36h`, `45m`, `12s`. */
export function formatDuration(seconds: number): string {
  for (const unit of ['w', 'd', 'h', 'm'] as const) {
    if (seconds >= SECONDS_PER_UNIT[unit] && seconds % SECONDS_PER_UNIT[unit] === 0) {
      return `${seconds / SECONDS_PER_UNIT[unit]}${unit}`;
    }
  }
  return `${seconds}s`;
}

/** How far ahead of `now` a recorded time may lie and still be taken as written by a clock a little ahead. */
export const CLOCK_SKEW_MS = 60 * 60 * 1000;

/**
 * Whether a period of `everyDays` whole UTC days (at least 1) has passed since `last` at `now`: counted in calendar
 * days, so a run made at any hour of the due day counts; true when `last` is absent or not a date (never done), and
 * when it lies more than {@link CLOCK_SKEW_MS} ahead of `now`: no run wrote that, and taken at its word it would put
 * the next one off until that day.
 */
export function daysPassed(now: number, last: string | undefined, everyDays: number): boolean {
  const at = last === undefined ? Number.NaN : Date.parse(last);
  if (Number.isNaN(at) || at > now + CLOCK_SKEW_MS) return true;
  const day = (ms: number) => Math.floor(ms / 86_400_000);
  return day(now) - day(at) >= Math.max(1, Math.round(everyDays));
}
