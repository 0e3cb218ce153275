import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  candidateDaysOfMonth,
  isMonthlyPatchDay,
  monthlyPatchDay,
  nextMonthlyPatch,
  patchTuesday,
  previousMonth,
} from '../../../core/schedule/monthly-patch.js';

const utc = (daysAfterPatchTuesday: number) => ({ daysAfterPatchTuesday, at: '03:00', timezone: 'UTC' });

describe('month and year boundaries of the patch window', () => {
  it('a December build day late enough falls in January of the next year', () => {
    expect(patchTuesday(2027, 12)).toEqual({ year: 2027, month: 12, day: 14 });
    expect(monthlyPatchDay({ daysAfterPatchTuesday: 17 }, 2027, 12)).toEqual({ year: 2027, month: 12, day: 31 });
    expect(monthlyPatchDay({ daysAfterPatchTuesday: 18 }, 2027, 12)).toEqual({ year: 2028, month: 1, day: 1 });
    expect(monthlyPatchDay({ daysAfterPatchTuesday: 20 }, 2027, 12)).toEqual({ year: 2028, month: 1, day: 3 });
  });

  it('an offset longer than a month passes two month ends', () => {
    expect(monthlyPatchDay({ daysAfterPatchTuesday: 27 }, 2027, 12)).toEqual({ year: 2028, month: 1, day: 10 });
    expect(monthlyPatchDay({ daysAfterPatchTuesday: 30 }, 2028, 1)).toEqual({ year: 2028, month: 2, day: 10 });
  });

  it('counts February by its length in that year', () => {
    expect(patchTuesday(2028, 2)).toEqual({ year: 2028, month: 2, day: 8 });
    expect(monthlyPatchDay({ daysAfterPatchTuesday: 21 }, 2028, 2)).toEqual({ year: 2028, month: 2, day: 29 });
    expect(monthlyPatchDay({ daysAfterPatchTuesday: 22 }, 2028, 2)).toEqual({ year: 2028, month: 3, day: 1 });
    expect(monthlyPatchDay({ daysAfterPatchTuesday: 16 }, 2027, 2)).toEqual({ year: 2027, month: 2, day: 25 });
    expect(monthlyPatchDay({ daysAfterPatchTuesday: 20 }, 2027, 2)).toEqual({ year: 2027, month: 3, day: 1 });
  });

  it('the month before January is December of the year before', () => {
    expect(previousMonth({ year: 2028, month: 1 })).toEqual({ year: 2027, month: 12 });
    expect(previousMonth({ year: 2028, month: 12 })).toEqual({ year: 2028, month: 11 });
    expect(previousMonth({ year: 2028, month: 2 })).toEqual({ year: 2028, month: 1 });
  });

  it("finds December's build in January, and then January's own", () => {
    const spec = utc(20);
    expect(nextMonthlyPatch(spec, new Date('2027-12-20T00:00:00Z')).toISOString()).toBe('2028-01-03T03:00:00.000Z');
    expect(nextMonthlyPatch(spec, new Date('2028-01-03T02:59:00Z')).toISOString()).toBe('2028-01-03T03:00:00.000Z');
    // Strictly after: at the build instant itself, the next one is January's own.
    expect(nextMonthlyPatch(spec, new Date('2028-01-03T03:00:00Z')).toISOString()).toBe('2028-01-31T03:00:00.000Z');
  });

  it('gives up with the instant it searched from when no month has the build time (an `at` validation refuses)', () => {
    const never = { daysAfterPatchTuesday: 2, at: '24:00', timezone: 'UTC' };
    expect(() => nextMonthlyPatch(never, new Date('2027-01-01T00:00:00Z'))).toThrow(
      'no monthly patch time found after 2027-01-01T00:00:00.000Z',
    );
  });

  it('reads the build hour and minute from `at`', () => {
    const spec = { daysAfterPatchTuesday: 0, at: '22:45', timezone: 'UTC' };
    expect(nextMonthlyPatch(spec, new Date('2027-12-01T00:00:00Z')).toISOString()).toBe('2027-12-14T22:45:00.000Z');
  });

  it("is a patch day in January for December's spilled build, and not on the same date a month earlier", () => {
    expect(isMonthlyPatchDay(utc(20), new Date('2028-01-03T10:00:00Z'))).toBe(true);
    expect(isMonthlyPatchDay(utc(20), new Date('2027-12-03T10:00:00Z'))).toBe(false);
    expect(isMonthlyPatchDay(utc(20), new Date('2028-01-31T00:00:00Z'))).toBe(true);
    expect(isMonthlyPatchDay(utc(20), new Date('2028-01-30T23:59:59Z'))).toBe(false);
  });

  it('a build day matches on year, month and day together', () => {
    // The 14th of December 2027 is a build day (offset 0); the 14th of other months or years is not.
    expect(isMonthlyPatchDay(utc(0), new Date('2027-12-14T12:00:00Z'))).toBe(true);
    expect(isMonthlyPatchDay(utc(0), new Date('2028-12-14T12:00:00Z'))).toBe(false);
    expect(isMonthlyPatchDay(utc(0), new Date('2027-11-14T12:00:00Z'))).toBe(false);
    expect(isMonthlyPatchDay(utc(0), new Date('2027-12-13T12:00:00Z'))).toBe(false);
  });
});

describe('candidateDaysOfMonth', () => {
  it.each([
    [0, '8-14'],
    [14, '22-28'],
    [15, '1-1,23-29'],
    [16, '1-2,24-30'],
    [17, '1-3,25-31'],
    [23, '1-9,31-31'],
    [24, '1-10'],
    [27, '4-13'],
  ])('offset %i fires on days %s', (offset, days) => {
    expect(candidateDaysOfMonth(offset)).toBe(days);
  });
});

describe('the patch window (properties)', () => {
  const month = fc.record({ year: fc.integer({ min: 2024, max: 2040 }), month: fc.integer({ min: 1, max: 12 }) });

  it('patch Tuesday is a Tuesday between the 8th and the 14th', () => {
    fc.assert(
      fc.property(month, ({ year, month }) => {
        const { day } = patchTuesday(year, month);
        expect(day).toBeGreaterThanOrEqual(8);
        expect(day).toBeLessThanOrEqual(14);
        expect(new Date(Date.UTC(year, month - 1, day)).getUTCDay()).toBe(2);
      }),
      { numRuns: 40 },
    );
  });

  it('the build day is exactly N calendar days after patch Tuesday, and a candidate day of its month', () => {
    fc.assert(
      fc.property(month, fc.integer({ min: 0, max: 27 }), ({ year, month }, offset) => {
        const tuesday = patchTuesday(year, month);
        const build = monthlyPatchDay({ daysAfterPatchTuesday: offset }, year, month);
        const gap = Date.UTC(build.year, build.month - 1, build.day) - Date.UTC(year, month - 1, tuesday.day);
        expect(gap).toBe(offset * 86_400_000);
        const ranges = candidateDaysOfMonth(offset)
          .split(',')
          .map((r) => r.split('-').map(Number) as [number, number]);
        expect(ranges.some(([from, to]) => build.day >= from && build.day <= to)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('the next build is after the instant, on a patch day, and no patch day lies between', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2027, 0, 1), max: Date.UTC(2029, 0, 1) }),
        fc.integer({ min: 0, max: 27 }),
        (ms, offset) => {
          const spec = utc(offset);
          const next = nextMonthlyPatch(spec, new Date(ms));
          expect(next.getTime()).toBeGreaterThan(ms);
          expect(isMonthlyPatchDay(spec, next)).toBe(true);
          for (let t = Math.ceil(ms / 86_400_000) * 86_400_000 + 3 * 3_600_000; t < next.getTime(); t += 86_400_000) {
            if (t > ms) expect(isMonthlyPatchDay(spec, new Date(t))).toBe(false);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
