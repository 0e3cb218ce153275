import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseCron } from '../../../core/schedule/cron.js';
import { matchesDay, nextCron, ScheduleExhaustedError } from '../../../core/schedule/next.js';

const iso = (expr: string, tz: string, after: string) => nextCron(expr, tz, new Date(after)).toISOString();

describe('nextCron', () => {
  it('fires at the next matching minute strictly after the instant', () => {
    expect(iso('cron(0 4 ? * SUN *)', 'UTC', '2026-11-22T04:00:00Z')).toBe('2026-11-29T04:00:00.000Z');
    expect(iso('cron(0 4 ? * SUN *)', 'UTC', '2026-11-22T03:59:59Z')).toBe('2026-11-22T04:00:00.000Z');
  });

  it('reads the wall clock in the time zone', () => {
    expect(iso('cron(0 9 * * ? *)', 'America/New_York', '2027-01-05T00:00:00Z')).toBe('2027-01-05T14:00:00.000Z');
    expect(iso('cron(0 9 * * ? *)', 'America/New_York', '2027-07-05T00:00:00Z')).toBe('2027-07-05T13:00:00.000Z');
  });

  it('fires on the last day of the month with L, including February in leap years', () => {
    expect(iso('cron(0 9 L * ? *)', 'UTC', '2027-02-01T00:00:00Z')).toBe('2027-02-28T09:00:00.000Z');
    expect(iso('cron(0 9 L * ? *)', 'UTC', '2028-02-01T00:00:00Z')).toBe('2028-02-29T09:00:00.000Z');
  });

  it('moves W to the nearest weekday without leaving the month', () => {
    // 2027-05-01 is a Saturday: 1W is Monday the 3rd, not Friday 30 April.
    expect(iso('cron(0 9 1W * ? *)', 'UTC', '2027-04-30T12:00:00Z')).toBe('2027-05-03T09:00:00.000Z');
    // 2027-05-15 is a Saturday: 15W is Friday the 14th.
    expect(iso('cron(0 9 15W * ? *)', 'UTC', '2027-05-04T00:00:00Z')).toBe('2027-05-14T09:00:00.000Z');
    // 2027-10-31 is a Sunday and the month's last day: 31W is Friday the 29th.
    expect(iso('cron(0 9 31W * ? *)', 'UTC', '2027-10-01T00:00:00Z')).toBe('2027-10-29T09:00:00.000Z');
  });

  it('fires on the nth weekday with # and the last weekday with nL', () => {
    expect(iso('cron(0 9 ? * 3#2 *)', 'UTC', '2026-12-01T00:00:00Z')).toBe('2026-12-08T09:00:00.000Z');
    expect(iso('cron(0 9 ? * 6L *)', 'UTC', '2027-01-01T00:00:00Z')).toBe('2027-01-29T09:00:00.000Z');
    // Only months with five Fridays: after January 2027 the next is April 2027.
    expect(iso('cron(0 9 ? * FRI#5 *)', 'UTC', '2027-02-01T00:00:00Z')).toBe('2027-04-30T09:00:00.000Z');
  });

  it('skips a wall time that the spring jump removes (Europe/London, America/New_York)', () => {
    expect(iso('cron(30 1 * * ? *)', 'Europe/London', '2027-03-27T12:00:00Z')).toBe('2027-03-29T00:30:00.000Z');
    expect(iso('cron(30 2 * * ? *)', 'America/New_York', '2027-03-13T12:00:00Z')).toBe('2027-03-15T06:30:00.000Z');
  });

  it('fires once, at the first occurrence, for a wall time the autumn change repeats', () => {
    expect(iso('cron(30 1 * * ? *)', 'Europe/London', '2027-10-30T12:00:00Z')).toBe('2027-10-31T00:30:00.000Z');
    expect(iso('cron(30 1 * * ? *)', 'Europe/London', '2027-10-31T00:30:00Z')).toBe('2027-11-01T01:30:00.000Z');
    expect(iso('cron(30 1 * * ? *)', 'America/New_York', '2027-11-06T12:00:00Z')).toBe('2027-11-07T05:30:00.000Z');
  });

  it('throws when the expression never fires again', () => {
    expect(() => nextCron('cron(0 0 1 1 ? 2020)', 'UTC', new Date('2027-01-01T00:00:00Z'))).toThrow(
      ScheduleExhaustedError,
    );
  });

  it('returns a later instant whose wall-clock date and time match the expression', () => {
    const expressions = [
      'cron(15 3 ? * MON-FRI *)',
      'cron(0 */6 1-10 * ? *)',
      'cron(45 23 L * ? *)',
      'cron(0 2 ? * 1#1 *)',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...expressions),
        fc.constantFrom('UTC', 'Europe/London', 'America/New_York', 'Australia/Sydney'),
        fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }),
        (expr, tz, after) => {
          const fire = nextCron(expr, tz, after);
          const local = DateTime.fromJSDate(fire, { zone: tz });
          const cron = parseCron(expr);

          expect(fire.getTime()).toBeGreaterThan(after.getTime());
          expect(cron.minutes).toContain(local.minute);
          expect(cron.hours).toContain(local.hour);
          expect(matchesDay(cron, local.year, local.month, local.day)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
