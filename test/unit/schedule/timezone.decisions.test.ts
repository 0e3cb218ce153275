import { describe, expect, it } from 'vitest';
import { isIanaTimezone, offsetMinutesAt, wallClockAt, wallClockInstant } from '../../../core/schedule/timezone.js';

/** 00:00:00.000 UTC on 2 January of year 1: the earliest instant read. */
const EARLIEST = new Date(0).setUTCFullYear(1, 0, 2);

describe('wallClockAt: the instants it reads', () => {
  it('reads the earliest instant, and refuses the millisecond before it, naming it', () => {
    expect(wallClockAt('UTC', EARLIEST)).toStrictEqual({
      year: 1,
      month: 1,
      day: 2,
      hour: 0,
      minute: 0,
      second: 0,
      millisecond: 0,
    });
    expect(() => wallClockAt('UTC', EARLIEST - 1)).toThrow(new RangeError(`invalid instant ${EARLIEST - 1}`));
  });

  it('refuses an instant that is not a finite number', () => {
    expect(() => wallClockAt('UTC', Number.NaN)).toThrow(new RangeError('invalid instant NaN'));
    expect(() => wallClockAt('UTC', Number.POSITIVE_INFINITY)).toThrow(new RangeError('invalid instant Infinity'));
  });

  it('reads each field in its place, and the milliseconds of an instant before 1970', () => {
    expect(wallClockAt('Asia/Kathmandu', Date.UTC(2027, 10, 3, 4, 5, 6, 789))).toStrictEqual({
      year: 2027,
      month: 11,
      day: 3,
      hour: 9,
      minute: 50,
      second: 6,
      millisecond: 789,
    });
    expect(wallClockAt('UTC', -1)).toStrictEqual({
      year: 1969,
      month: 12,
      day: 31,
      hour: 23,
      minute: 59,
      second: 59,
      millisecond: 999,
    });
  });
});

describe('offsetMinutesAt', () => {
  it('is east positive, to the minute, whatever the milliseconds of the instant', () => {
    expect(offsetMinutesAt('Europe/Paris', Date.UTC(2027, 0, 1, 0, 0, 0, 999))).toBe(60);
    expect(offsetMinutesAt('America/St_Johns', Date.UTC(2027, 0, 1, 0, 0, 0, 1))).toBe(-210);
    expect(offsetMinutesAt('Asia/Kathmandu', -1)).toBe(330);
  });

  it('is exact in the first centuries, whose years Date.UTC would take for 1900–1999', () => {
    const year50 = new Date(0).setUTCFullYear(50, 5, 1);
    const year99 = new Date(0).setUTCFullYear(99, 11, 31);

    expect(offsetMinutesAt('UTC', year50)).toBe(0);
    expect(offsetMinutesAt('UTC', year99 + 500)).toBe(0);
    expect(offsetMinutesAt('UTC', new Date(0).setUTCFullYear(150, 0, 1))).toBe(0);
  });
});

describe('wallClockInstant: wall times that do not exist', () => {
  it('has no instant for a month, day, hour or minute out of range or not whole', () => {
    expect(wallClockInstant('UTC', 2027, 13, 1, 0, 0)).toBeUndefined();
    expect(wallClockInstant('UTC', 2027, 1, 32, 0, 0)).toBeUndefined();
    expect(wallClockInstant('UTC', 2027, 1, 1, 24, 0)).toBeUndefined();
    expect(wallClockInstant('UTC', 2027, 1, 1, 0, 60)).toBeUndefined();
    expect(wallClockInstant('UTC', 2027, 1.5, 1, 0, 0)).toBeUndefined();
    expect(wallClockInstant('UTC', 2027, 1, 1.5, 0, 0)).toBeUndefined();
    expect(wallClockInstant('UTC', 2027, 1, 1, 1.5, 0)).toBeUndefined();
    expect(wallClockInstant('UTC', 2027, 1, 1, 0, 1.5)).toBeUndefined();
  });

  it('finds the instant of a wall time in a zone that keeps one offset, at the edges of the day', () => {
    expect(wallClockInstant('Asia/Tokyo', 2027, 1, 1, 0, 0)?.toISOString()).toBe('2026-12-31T15:00:00.000Z');
    expect(wallClockInstant('Asia/Tokyo', 2027, 12, 31, 23, 59)?.toISOString()).toBe('2027-12-31T14:59:00.000Z');
  });

  it('finds the instant just before and just after a spring jump', () => {
    expect(wallClockInstant('Europe/London', 2027, 3, 28, 0, 59)?.toISOString()).toBe('2027-03-28T00:59:00.000Z');
    expect(wallClockInstant('Europe/London', 2027, 3, 28, 2, 0)?.toISOString()).toBe('2027-03-28T01:00:00.000Z');
  });

  it('reads a wall time of the first centuries in its own year, and refuses one before year 1', () => {
    expect(wallClockInstant('UTC', 99, 12, 31, 23, 0)?.getUTCFullYear()).toBe(99);
    expect(wallClockInstant('UTC', 1, 6, 1, 12, 0)?.getTime()).toBe(
      new Date(0).setUTCFullYear(1, 5, 1) + 12 * 3_600_000,
    );
    expect(() => wallClockInstant('UTC', 0, 6, 1, 12, 0)).toThrow(RangeError);
  });

  it('finds the one instant of the hour after a repeated one', () => {
    expect(wallClockInstant('Europe/London', 2027, 10, 31, 2, 0)?.toISOString()).toBe('2027-10-31T02:00:00.000Z');
  });
});

describe('isIanaTimezone', () => {
  it('refuses a name with a lower-case segment or a trailing slash, and an unknown well-formed name', () => {
    expect(isIanaTimezone('Europe/london')).toBe(false);
    expect(isIanaTimezone('europe/London')).toBe(false);
    expect(isIanaTimezone('Europe/')).toBe(false);
    expect(isIanaTimezone('Europe/London/')).toBe(false);
    expect(isIanaTimezone(' Europe/London')).toBe(false);
    expect(isIanaTimezone('Europe/London ')).toBe(false);
    expect(isIanaTimezone('Etc/GMT-14')).toBe(true);
    expect(isIanaTimezone('America/Port_of_Spain')).toBe(true);
    expect(isIanaTimezone('Nowhere/At_All')).toBe(false);
  });
});
