import { daysInMonth } from './next.js';
import { wallClockAt, wallClockInstant, wallClockReadings } from './timezone.js';

/** What a monthly-patch schedule says (config's `schedule` of type `monthly-patch`, read by core/config). */
export interface MonthlyPatchSpec {
  readonly daysAfterPatchTuesday: number;
  /** Wall-clock time of day, "HH:MM". */
  readonly at: string;
  /** IANA time zone name. */
  readonly timezone: string;
}

/** A date on the calendar, without a time or zone; `month` is 1–12. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Microsoft's Patch Tuesday: the second Tuesday of the month (`month` is 1–12). */
export function patchTuesday(year: number, month: number): CalendarDate {
  const firstWeekday = new Date(Date.UTC(year, month - 1, 1)).getUTCDay(); // 0 = Sunday, 2 = Tuesday
  const firstTuesday = 1 + ((2 - firstWeekday + 7) % 7);
  return { year, month, day: firstTuesday + 7 };
}

/** The build day for the patch Tuesday of `year-month`: N days later, possibly in the next month. */
export function monthlyPatchDay(
  spec: Pick<MonthlyPatchSpec, 'daysAfterPatchTuesday'>,
  year: number,
  month: number,
): CalendarDate {
  return addDays(patchTuesday(year, month), spec.daysAfterPatchTuesday);
}

/**
 * The first monthly patch build strictly after `after`: `daysAfterPatchTuesday` days after the second Tuesday, at
 * `at` wall-clock time in `timezone`. Daylight saving follows EventBridge Scheduler (see `nextCron`): a month whose
 * build time falls in a skipped hour has no build, which is why validation rejects such `at` times.
 */
export function nextMonthlyPatch(spec: MonthlyPatchSpec, after: Date): Date {
  const [hour, minute] = spec.at.split(':').map(Number) as [number, number];
  const local = wallClockAt(spec.timezone, after.getTime());
  // Start a month early: with a large offset, last month's patch day can fall in this month.
  let { year, month } = previousMonth(local);
  // Stryker disable next-line EqualityOperator: a 37th month finds no more than the 36th for a spec that has none
  for (let i = 0; i < 36; i += 1) {
    const day = monthlyPatchDay(spec, year, month);
    const fire = wallClockInstant(spec.timezone, day.year, day.month, day.day, hour, minute);
    if (fire && fire.getTime() > after.getTime()) return fire;
    ({ year, month } = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 });
  }
  // Unreachable for valid specs: at most two consecutive months can fall in a daylight-saving gap.
  throw new Error(`no monthly patch time found after ${after.toISOString()}`);
}

/** A monthly patch build day on which the build's wall time does not exist (skipped) or exists twice (repeated). */
export interface MonthlyPatchClash {
  readonly date: CalendarDate;
  readonly kind: 'skipped' | 'repeated';
}

/** The first patch month checked, and how many years: 28 years hold every weekday each date can fall on. */
const FIRST_CHECKED = { year: 2026, month: 1 };
const YEARS_CHECKED = 28;

/**
 * The first build day, over the patch months of 2026–2053, on which the build's wall time falls in a daylight-saving
 * change: skipped (Scheduler does not run that day, so the month has no build) or repeated (Scheduler runs once, at
 * its first reading). Only the real build days count: the second Tuesday plus `daysAfterPatchTuesday`, the same days
 * `isMonthlyPatchDay` lets through. Undefined when no build day ever hits one.
 * @throws RangeError for an unknown zone.
 */
export function monthlyPatchClash(spec: MonthlyPatchSpec): MonthlyPatchClash | undefined {
  const [hour, minute] = spec.at.split(':').map(Number) as [number, number];
  let { year, month } = FIRST_CHECKED;
  for (let i = 0; i < YEARS_CHECKED * 12; i += 1) {
    const date = monthlyPatchDay(spec, year, month);
    const readings = wallClockReadings(spec.timezone, date.year, date.month, date.day, hour, minute).length;
    if (readings !== 1) return { date, kind: readings === 0 ? 'skipped' : 'repeated' };
    ({ year, month } = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 });
  }
  return undefined;
}

/** `2027-03-14`. */
export const calendarDateText = (d: CalendarDate): string =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/**
 * True when `instant`, read as a date in the spec's time zone, is a monthly patch build day. The Scheduler cron
 * from `scheduleExpression` fires on every candidate day; its target calls this and does nothing on other days.
 */
export function isMonthlyPatchDay(spec: MonthlyPatchSpec, instant: Date): boolean {
  const local = wallClockAt(spec.timezone, instant.getTime());
  const previous = previousMonth(local);
  return [monthlyPatchDay(spec, local.year, local.month), monthlyPatchDay(spec, previous.year, previous.month)].some(
    (d) => d.year === local.year && d.month === local.month && d.day === local.day,
  );
}

/**
 * The days of the month on which a monthly patch build can fall, as an EventBridge day-of-month field. The second
 * Tuesday is the 8th to the 14th, so the build day is the (8+N)th to the (14+N)th, wrapping into the next month
 * (whose previous month may have as few as 28 days) when that passes the month's end.
 */
export function candidateDaysOfMonth(daysAfterPatchTuesday: number): string {
  const first = 8 + daysAfterPatchTuesday;
  const last = 14 + daysAfterPatchTuesday;
  const ranges: string[] = [];
  if (last > 28) ranges.push(`${Math.max(1, first - 31)}-${last - 28}`);
  if (first <= 31) ranges.push(`${first}-${Math.min(31, last)}`);
  return ranges.join(',');
}

/** The month before `date`'s, as `{ year, month }`. */
export function previousMonth(date: { year: number; month: number }): { year: number; month: number } {
  return date.month === 1 ? { year: date.year - 1, month: 12 } : { year: date.year, month: date.month - 1 };
}

function addDays(date: CalendarDate, days: number): CalendarDate {
  let { year, month } = date;
  let day = date.day + days;
  while (day > daysInMonth(year, month)) {
    day -= daysInMonth(year, month);
    ({ year, month } = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 });
  }
  return { year, month, day };
}
