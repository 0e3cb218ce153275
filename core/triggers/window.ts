import { patchTuesday, previousMonth } from '../schedule/monthly-patch.js';
import { wallClockAt } from '../schedule/timezone.js';

// An ISO 8601 date-time without a UTC designator or offset (`2027-01-11T23:30:00`): read as UTC, as before.
const NO_OFFSET = /T\d\d(?::\d\d(?::\d\d(?:[.,]\d+)?)?)?$/;

/**
 * The monthly patch window ("cycle") an instant falls in. A cycle starts at 00:00 local time on the second Tuesday
 * of a month and ends just before the next month's second Tuesday; it is named after the month it starts in
 * (`2027-01`). Anything built after Patch Tuesday already carries that month's fixes, so one build per cycle is
 * enough for an image's schedule and its base-image releases together.
 * @throws RangeError for a time that is not ISO 8601 or an unknown time zone.
 */
export function patchCycleOf(at: string, timezone: string): string {
  const instant = Date.parse(NO_OFFSET.test(at) ? `${at}Z` : at);
  let local: { year: number; month: number; day: number };
  try {
    local = wallClockAt(timezone, instant);
  } catch {
    throw new RangeError(`invalid time "${at}" or timezone "${timezone}"`);
  }
  const thisMonth = patchTuesday(local.year, local.month);
  const cycle = local.day >= thisMonth.day ? local : previousMonth(local);
  return `${String(cycle.year).padStart(4, '0')}-${String(cycle.month).padStart(2, '0')}`;
}

/** How far a schedule's window may lie ahead of the receiving clock: clock skew between Scheduler and Lambda. */
export const SCHEDULE_SKEW_MS = 5 * 60_000;

/**
 * Why a scheduled build's window cannot be a firing of Goldsmith's own schedule, or undefined when it can.
 * EventBridge Scheduler invokes its target at or after the scheduled time (with a flexible window, later), and
 * retries a failed invocation for at most its maximum event age, 86,400 seconds at most
 * (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html): a window in the future is a
 * claim, not a firing, and one older than the retry horizon (at least that day, also the reconciler's look-back for
 * missed firings; the re-drive stops at the horizon) is no firing anyone still retries. Refusing a future window is what keeps a forged input from
 * claiming next month's patch marker before patch day.
 */
export function scheduleWindowRefusal(window: string, now: Date, horizonSeconds: number): string | undefined {
  const at = Date.parse(window);
  if (Number.isNaN(at)) return `window ${window} is not a time`;
  if (at > now.getTime() + SCHEDULE_SKEW_MS) {
    return `window ${window} is in the future (now ${now.toISOString()}): a schedule fires at its time, never before`;
  }
  const horizonMs = Math.max(horizonSeconds * 1000, 86_400_000);
  if (at < now.getTime() - horizonMs) {
    return `window ${window} is older than the retry horizon (${Math.round(horizonMs / 3_600_000)} h before ${now.toISOString()})`;
  }
  return undefined;
}

/**
 * A change as of no later than `now`: an observation dated in the future (`observedAt` of a base-image or package
 * release) is a claim, not something seen, and is read as seen now. Otherwise a "Base Image Changed" event dated to
 * within a day of next month's patch build would key as that cycle's build (core/triggers/dedupe.ts) and skip the
 * real one on patch day as its duplicate.
 */
export function observedNoLaterThan<C extends object>(change: C, now: Date): C {
  if (!('observedAt' in change) || typeof change.observedAt !== 'string') return change;
  const observed = Date.parse(change.observedAt);
  if (Number.isNaN(observed) || observed <= now.getTime() + SCHEDULE_SKEW_MS) return change;
  return { ...change, observedAt: now.toISOString() };
}
