import { describe, expect, it } from 'vitest';
import { GoldsmithError } from '../../../core/errors.js';
import { parseCron } from '../../../core/schedule/cron.js';
import { cronWeekday, daysInMonth, matchesDay, nextCron, ScheduleExhaustedError } from '../../../core/schedule/next.js';

const iso = (expr: string, after: string, tz = 'UTC') => nextCron(expr, tz, new Date(after)).toISOString();

describe('nextCron: walking the calendar', () => {
  it('starts a later year in January on the 1st', () => {
    expect(iso('cron(0 0 1 * ? 2028)', '2027-06-15T12:00:00Z')).toBe('2028-01-01T00:00:00.000Z');
  });

  it('starts a later month on the 1st', () => {
    expect(iso('cron(0 0 1 3 ? *)', '2027-01-15T12:00:00Z')).toBe('2027-03-01T00:00:00.000Z');
  });

  it('goes from December to January of the next year', () => {
    expect(iso('cron(0 0 1 * ? *)', '2027-12-15T12:00:00Z')).toBe('2028-01-01T00:00:00.000Z');
    expect(iso('cron(0 0 ? 1 MON *)', '2027-12-15T12:00:00Z')).toBe('2028-01-03T00:00:00.000Z');
  });

  it('moves to the next day once the times of a day are past, and the next month after its last day', () => {
    expect(iso('cron(0 6,18 * * ? *)', '2027-01-31T18:00:00Z')).toBe('2027-02-01T06:00:00.000Z');
    expect(iso('cron(0 6,18 * * ? *)', '2027-01-31T17:59:59Z')).toBe('2027-01-31T18:00:00.000Z');
  });

  it('fires in 2199, the last year EventBridge can name, and never after', () => {
    expect(iso('cron(0 0 1 1 ? 2199)', '2198-06-01T00:00:00Z')).toBe('2199-01-01T00:00:00.000Z');
    expect(() => nextCron('cron(0 0 1 1 ? *)', 'UTC', new Date('2199-06-01T00:00:00Z'))).toThrow(
      ScheduleExhaustedError,
    );
  });

  it('takes a parsed schedule as well as its text', () => {
    expect(nextCron(parseCron('cron(0 4 ? * SUN *)'), 'UTC', new Date('2026-11-22T04:00:00Z')).toISOString()).toBe(
      '2026-11-29T04:00:00.000Z',
    );
  });
});

describe('nextCron: what it refuses', () => {
  it('says the schedule does not fire after the instant, naming both', () => {
    const error = (() => {
      try {
        nextCron(' cron(0 0 1 1 ? 2020) ', 'UTC', new Date('2027-01-01T00:00:00Z'));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ScheduleExhaustedError);
    expect(error).toBeInstanceOf(GoldsmithError);
    expect(error).toMatchObject({
      name: 'ScheduleExhaustedError',
      message: 'cron(0 0 1 1 ? 2020) does not fire after 2027-01-01T00:00:00.000Z',
    });
  });

  it('names an unknown time zone', () => {
    expect(() => nextCron('cron(0 0 1 1 ? *)', 'Mars/Olympus', new Date(0))).toThrow(
      new GoldsmithError('invalid time zone "Mars/Olympus"'),
    );
  });
});

describe('nextCron: day fields', () => {
  it('takes the last Friday of a month whose 24th is a Friday too as the 31st', () => {
    // December 2027: Fridays are the 3rd, 10th, 17th, 24th and 31st.
    expect(iso('cron(0 9 ? * 6L *)', '2027-12-01T00:00:00Z')).toBe('2027-12-31T09:00:00.000Z');
  });

  it('takes the first Sunday on the 1st and the second on the 8th', () => {
    // 1 August 2027 is a Sunday.
    expect(iso('cron(0 9 ? * 1#1 *)', '2027-07-31T12:00:00Z')).toBe('2027-08-01T09:00:00.000Z');
    expect(iso('cron(0 9 ? * 1#2 *)', '2027-07-31T12:00:00Z')).toBe('2027-08-08T09:00:00.000Z');
    expect(iso('cron(0 9 ? * 7#1 *)', '2027-07-31T12:00:00Z')).toBe('2027-08-07T09:00:00.000Z');
  });

  it("keeps W on a weekday target, including the month's last day, and skips months too short for it", () => {
    // 30 April 2027 is a Friday; April has no 31st, 31 May 2027 is a Monday.
    expect(iso('cron(0 9 30W * ? *)', '2027-04-01T00:00:00Z')).toBe('2027-04-30T09:00:00.000Z');
    expect(iso('cron(0 9 31W * ? *)', '2027-04-01T00:00:00Z')).toBe('2027-05-31T09:00:00.000Z');
  });

  it('moves W from a Sunday that is not the last day to the Monday after', () => {
    // 16 May 2027 is a Sunday.
    expect(iso('cron(0 9 16W * ? *)', '2027-05-01T00:00:00Z')).toBe('2027-05-17T09:00:00.000Z');
  });

  it('moves W from a Saturday that is not the 1st to the Friday before', () => {
    // 8 May 2027 is a Saturday.
    expect(iso('cron(0 9 8W * ? *)', '2027-05-01T00:00:00Z')).toBe('2027-05-07T09:00:00.000Z');
  });

  it('fires on listed days of the month only', () => {
    expect(iso('cron(0 9 10,20 * ? *)', '2027-05-10T09:00:00Z')).toBe('2027-05-20T09:00:00.000Z');
  });
});

describe('matchesDay, cronWeekday and daysInMonth', () => {
  it('needs both day fields to match', () => {
    const weekdays = parseCron('cron(0 9 ? * MON-FRI *)');
    // 15 May 2027 is a Saturday, the 17th a Monday.
    expect(matchesDay(weekdays, 2027, 5, 15)).toBe(false);
    expect(matchesDay(weekdays, 2027, 5, 17)).toBe(true);
    const fifteenth = parseCron('cron(0 9 15 * ? *)');
    expect(matchesDay(fifteenth, 2027, 5, 15)).toBe(true);
    expect(matchesDay(fifteenth, 2027, 5, 16)).toBe(false);
  });

  it('numbers weekdays from Sunday = 1 to Saturday = 7, and knows month lengths', () => {
    expect(cronWeekday(2027, 8, 1)).toBe(1);
    expect(cronWeekday(2027, 8, 7)).toBe(7);
    expect(daysInMonth(2027, 2)).toBe(28);
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2027, 12)).toBe(31);
  });
});
