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
