import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scheduleExpression } from '../../../core/schedule/expression.js';
import {
  candidateDaysOfMonth,
  isMonthlyPatchDay,
  monthlyPatchClash,
  nextMonthlyPatch,
  patchTuesday,
} from '../../../core/schedule/monthly-patch.js';
import { nextCron } from '../../../core/schedule/next.js';

describe('patchTuesday', () => {
  it('is the second Tuesday of known months', () => {
    expect(patchTuesday(2026, 12)).toEqual({ year: 2026, month: 12, day: 8 });
    expect(patchTuesday(2027, 1)).toEqual({ year: 2027, month: 1, day: 12 });
    expect(patchTuesday(2027, 2)).toEqual({ year: 2027, month: 2, day: 9 });
  });

  it('is the 8th when the month starts on a Tuesday and the 14th when it starts on a Wednesday', () => {
    expect(patchTuesday(2027, 6)).toEqual({ year: 2027, month: 6, day: 8 });
    expect(patchTuesday(2027, 9)).toEqual({ year: 2027, month: 9, day: 14 });
  });
});

describe('nextMonthlyPatch', () => {
  const london = { daysAfterPatchTuesday: 2, at: '03:00', timezone: 'Europe/London' };

  it('fires N days after patch Tuesday at the local time (GMT in winter)', () => {
    expect(nextMonthlyPatch(london, new Date('2026-12-01T00:00:00Z')).toISOString()).toBe('2026-12-10T03:00:00.000Z');
  });

  it('moves on to next month once this month has fired', () => {
    expect(nextMonthlyPatch(london, new Date('2026-12-10T03:00:00Z')).toISOString()).toBe('2027-01-14T03:00:00.000Z');
  });

  it('follows British Summer Time after the March change', () => {
    // Patch Tuesday 13 April 2027 + 2 days = Thursday 15 April, 03:00 BST = 02:00 UTC.
    expect(nextMonthlyPatch(london, new Date('2027-04-01T00:00:00Z')).toISOString()).toBe('2027-04-15T02:00:00.000Z');
  });

  it('follows New York daylight time on both sides of the November change', () => {
    const ny = { daysAfterPatchTuesday: 0, at: '22:00', timezone: 'America/New_York' };

    expect(nextMonthlyPatch(ny, new Date('2027-10-01T00:00:00Z')).toISOString()).toBe('2027-10-13T02:00:00.000Z');
    expect(nextMonthlyPatch(ny, new Date('2027-11-01T00:00:00Z')).toISOString()).toBe('2027-11-10T03:00:00.000Z');
  });

  it("finds last month's patch day when it spills into this month", () => {
    // January 2027: patch Tuesday the 12th + 20 days = 1 February.
    const late = { daysAfterPatchTuesday: 20, at: '06:00', timezone: 'UTC' };

    expect(nextMonthlyPatch(late, new Date('2027-01-31T00:00:00Z')).toISOString()).toBe('2027-02-01T06:00:00.000Z');
  });
});

describe('monthlyPatchClash', () => {
  it('finds no clash for 02:30 in Berlin a day after Patch Tuesday: a Wednesday is never the change Sunday', () => {
    expect(monthlyPatchClash({ daysAfterPatchTuesday: 1, at: '02:30', timezone: 'Europe/Berlin' })).toBeUndefined();
  });

  it('finds the Sunday the spring jump skips when Patch Tuesday + 5 falls on it', () => {
    // New York springs forward on the second Sunday of March; 9 March 2027 is Patch Tuesday, 14 March that Sunday.
    expect(monthlyPatchClash({ daysAfterPatchTuesday: 5, at: '02:30', timezone: 'America/New_York' })).toEqual({
      date: { year: 2027, month: 3, day: 14 },
      kind: 'skipped',
    });
    expect(monthlyPatchClash({ daysAfterPatchTuesday: 5, at: '03:30', timezone: 'America/New_York' })).toBeUndefined();
  });

  it('finds the autumn Sunday whose hour repeats, reached across the month boundary', () => {
    // 13 October 2026 is Patch Tuesday; 19 days later is Sunday 1 November, when New York falls back.
    expect(monthlyPatchClash({ daysAfterPatchTuesday: 19, at: '01:30', timezone: 'America/New_York' })).toEqual({
      date: { year: 2026, month: 11, day: 1 },
      kind: 'repeated',
    });
  });
});

describe('isMonthlyPatchDay', () => {
  const spec = { daysAfterPatchTuesday: 2, at: '03:00', timezone: 'Europe/London' };

  it('is true on the build day and false the day before and after', () => {
    expect(isMonthlyPatchDay(spec, new Date('2026-12-10T03:00:30Z'))).toBe(true);
    expect(isMonthlyPatchDay(spec, new Date('2026-12-09T03:00:30Z'))).toBe(false);
    expect(isMonthlyPatchDay(spec, new Date('2026-12-11T03:00:30Z'))).toBe(false);
  });

  it('reads the date in the schedule time zone, not UTC', () => {
    const tokyo = { daysAfterPatchTuesday: 0, at: '08:00', timezone: 'Asia/Tokyo' };

    // 23:30 UTC on 7 December is 08:30 on Tuesday 8 December in Tokyo.
    expect(isMonthlyPatchDay(tokyo, new Date('2026-12-07T23:30:00Z'))).toBe(true);
  });
});

describe('scheduleExpression', () => {
  it('passes a cron schedule through without the blanks around it, which Scheduler refuses', () => {
    expect(scheduleExpression({ type: 'cron', expression: ' cron(0 4 ? * SUN *)\n', timezone: 'UTC' }).expression).toBe(
      'cron(0 4 ? * SUN *)',
    );
  });

  it('passes a cron schedule through with its time zone', () => {
    expect(scheduleExpression({ type: 'cron', expression: 'cron(0 4 ? * SUN *)', timezone: 'UTC' })).toEqual({
      expression: 'cron(0 4 ? * SUN *)',
      timezone: 'UTC',
      onlyOnPatchDay: false,
    });
  });

  it('renders a monthly patch schedule as a cron on its candidate days', () => {
    expect(
      scheduleExpression({ type: 'monthly-patch', daysAfterPatchTuesday: 2, at: '03:05', timezone: 'Europe/London' }),
    ).toEqual({
      expression: 'cron(5 3 10-16 * ? *)',
      timezone: 'Europe/London',
      onlyOnPatchDay: true,
    });
  });

  it('wraps candidate days into the next month for large offsets', () => {
    expect([
      candidateDaysOfMonth(0),
      candidateDaysOfMonth(14),
      candidateDaysOfMonth(17),
      candidateDaysOfMonth(20),
    ]).toEqual(['8-14', '22-28', '1-3,25-31', '1-6,28-31']);
  });

  it('fires on every monthly patch build: the candidate-day cron, filtered by isMonthlyPatchDay, finds the same instant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom('03:00', '22:30', '12:15'),
        fc.constantFrom('UTC', 'Europe/London', 'America/New_York'),
        fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }),
        (days, at, timezone, after) => {
          const spec = { type: 'monthly-patch' as const, daysAfterPatchTuesday: days, at, timezone };
          const { expression } = scheduleExpression(spec);
          let fire = nextCron(expression, timezone, after);
          while (!isMonthlyPatchDay(spec, fire)) fire = nextCron(expression, timezone, fire);

          expect(fire.toISOString()).toBe(nextMonthlyPatch(spec, after).toISOString());
        },
      ),
      { numRuns: 100 },
    );
  });
});
