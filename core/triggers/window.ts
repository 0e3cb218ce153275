import { DateTime } from 'luxon';

/**
 * Patch-window arithmetic. A monthly patch window ("cycle") starts at 00:00 local time on the second Tuesday of a
 * month and ends just before the next month's second Tuesday; it is named after the month it starts in
 * (`2027-01`). Anything built after Patch Tuesday already carries that month's fixes, so one build per cycle is
 * enough for the schedule and base-image releases together.
 */

function localDate(at: string, timezone: string): DateTime {
  const dt = DateTime.fromISO(at, { zone: 'utc' }).setZone(timezone);
  if (!dt.isValid) throw new RangeError(`invalid time "${at}" or timezone "${timezone}"`);
  return dt.startOf('day');
}

/** The second Tuesday of a month, at 00:00 in the timezone. */
export function patchTuesday(year: number, month: number, timezone: string): DateTime {
  const first = DateTime.fromObject({ year, month, day: 1 }, { zone: timezone });
  // luxon: Monday = 1 … Sunday = 7, so Tuesday = 2.
  const firstTuesday = 1 + ((2 - first.weekday + 7) % 7);
  return first.set({ day: firstTuesday + 7 });
}

/** The cycle (`YYYY-MM`) that an instant falls in, in the schedule's timezone. */
export function patchCycleOf(at: string, timezone: string): string {
  const day = localDate(at, timezone);
  const thisMonth = patchTuesday(day.year, day.month, timezone);
  const start =
    day >= thisMonth
      ? thisMonth
      : patchTuesday(day.minus({ months: 1 }).year, day.minus({ months: 1 }).month, timezone);
  return start.toFormat('yyyy-MM');
}

/** The monthly patch build day of a month: Patch Tuesday plus `daysAfter` (it may fall in the next month). */
export function patchBuildDay(year: number, month: number, daysAfter: number, timezone: string): DateTime {
  return patchTuesday(year, month, timezone).plus({ days: daysAfter });
}

/** True when the local date of `at` is a monthly patch build day (this month's or, after rollover, last month's). */
export function isPatchBuildDay(at: string, daysAfter: number, timezone: string): boolean {
  const day = localDate(at, timezone);
  const previous = day.minus({ months: 1 });
  return [
    patchBuildDay(day.year, day.month, daysAfter, timezone),
    patchBuildDay(previous.year, previous.month, daysAfter, timezone),
  ].some((d) => d.hasSame(day, 'day'));
}

/** The next patch build day on or after the local date of `at`, as `YYYY-MM-DD`. */
export function nextPatchBuildDay(at: string, daysAfter: number, timezone: string): string {
  const day = localDate(at, timezone);
  for (const offset of [-1, 0, 1]) {
    const m = day.plus({ months: offset });
    const candidate = patchBuildDay(m.year, m.month, daysAfter, timezone);
    if (candidate >= day) return candidate.toFormat('yyyy-MM-dd');
  }
  // Unreachable: next month's build day is always ahead of today.
  throw new RangeError(`no patch build day after ${at}`);
}
