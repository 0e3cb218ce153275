import { GoldsmithError } from '../errors.js';
import { type CronSchedule, type DayOfMonthSpec, type DayOfWeekSpec, parseCron } from './cron.js';
import { type WallClock, wallClockAt, wallClockInstant } from './timezone.js';

/** The last year EventBridge cron expressions can name. */
const LAST_YEAR = 2199;

/** A schedule that has no fire time after the given instant (e.g. its years are all in the past). */
export class ScheduleExhaustedError extends GoldsmithError {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleExhaustedError';
  }
}

/**
 * The first instant strictly after `after` at which EventBridge Scheduler fires `expr` evaluated in `timezone`.
 * Daylight saving follows Scheduler: a wall time skipped by the spring jump does not fire that day, and a wall time
 * that happens twice in the autumn fires once, at its first occurrence.
 * @throws CronSyntaxError for a bad expression; ScheduleExhaustedError when it never fires again.
 */
export function nextCron(expr: string | CronSchedule, timezone: string, after: Date): Date {
  const cron = typeof expr === 'string' ? parseCron(expr) : expr;
  let start: WallClock;
  try {
    start = wallClockAt(timezone, after.getTime());
  } catch {
    throw new GoldsmithError(`invalid time zone "${timezone}"`);
  }
  let year: number = start.year;
  let month: number = start.month;
  let day: number = start.day;
  while (year <= LAST_YEAR) {
    if (!cron.years.has(year)) {
      year += 1;
      month = 1;
      day = 1;
      continue;
    }
    if (!cron.months.has(month)) {
      ({ year, month } = nextMonth(year, month));
      day = 1;
      continue;
    }
    const length = daysInMonth(year, month);
    for (; day <= length; day += 1) {
      if (!matchesDay(cron, year, month, day)) continue;
      const fire = firstTimeOfDayAfter(cron, timezone, year, month, day, after);
      if (fire) return fire;
    }
    ({ year, month } = nextMonth(year, month));
    day = 1;
  }
  throw new ScheduleExhaustedError(`${cron.source} does not fire after ${after.toISOString()}`);
}

function firstTimeOfDayAfter(
  cron: CronSchedule,
  zone: string,
  year: number,
  month: number,
  day: number,
  after: Date,
): Date | undefined {
  for (const hour of cron.hours) {
    for (const minute of cron.minutes) {
      const instant = wallClockInstant(zone, year, month, day, hour, minute);
      if (instant && instant.getTime() > after.getTime()) return instant;
    }
  }
  return undefined;
}

/** True when the calendar date matches the expression's day-of-month or day-of-week field (the other is `?`). */
export function matchesDay(cron: CronSchedule, year: number, month: number, day: number): boolean {
  return matchesDayOfMonth(cron.dayOfMonth, year, month, day) && matchesDayOfWeek(cron.dayOfWeek, year, month, day);
}

function matchesDayOfMonth(spec: DayOfMonthSpec, year: number, month: number, day: number): boolean {
  switch (spec.kind) {
    case 'any':
      return true;
    case 'days':
      return spec.days.has(day);
    case 'last':
      return day === daysInMonth(year, month);
    case 'nearest-weekday':
      return day === nearestWeekday(year, month, spec.day);
  }
}

function matchesDayOfWeek(spec: DayOfWeekSpec, year: number, month: number, day: number): boolean {
  const weekday = cronWeekday(year, month, day);
  switch (spec.kind) {
    case 'any':
      return true;
    case 'days':
      return spec.days.has(weekday);
    case 'last':
      return weekday === spec.day && day + 7 > daysInMonth(year, month);
    case 'nth':
      return weekday === spec.day && Math.ceil(day / 7) === spec.nth;
  }
}

/** The weekday (Mon–Fri) nearest to `target` without leaving the month; undefined when the month is too short. */
function nearestWeekday(year: number, month: number, target: number): number | undefined {
  const length = daysInMonth(year, month);
  if (target > length) return undefined;
  const weekday = cronWeekday(year, month, target);
  if (weekday === 7) return target === 1 ? 3 : target - 1; // Saturday → Friday, or Monday the 3rd
  if (weekday === 1) return target === length ? target - 2 : target + 1; // Sunday → Monday, or Friday
  return target;
}

/** 1 = Sunday … 7 = Saturday, as in EventBridge cron. */
export function cronWeekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function nextMonth(year: number, month: number): { year: number; month: number } {
  return month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
}
