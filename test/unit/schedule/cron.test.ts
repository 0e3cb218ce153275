import { describe, expect, it } from 'vitest';
import { CronSyntaxError, cronProblem, parseCron } from '../../../core/schedule/cron.js';

describe('parseCron', () => {
  it('expands lists, ranges, steps and names', () => {
    const cron = parseCron('cron(0/15 8-10,14 ? JAN,MAR-APR MON-FRI 2027/2)');

    expect(cron.minutes).toEqual([0, 15, 30, 45]);
    expect(cron.hours).toEqual([8, 9, 10, 14]);
    expect([...cron.months]).toEqual([1, 3, 4]);
    expect(cron.dayOfWeek).toEqual({ kind: 'days', days: new Set([2, 3, 4, 5, 6]) });
    expect([...cron.years].slice(0, 3)).toEqual([2027, 2029, 2031]);
  });

  it('reads L, W and # day specifications', () => {
    expect(parseCron('cron(0 9 L * ? *)').dayOfMonth).toEqual({ kind: 'last' });
    expect(parseCron('cron(0 9 15W * ? *)').dayOfMonth).toEqual({ kind: 'nearest-weekday', day: 15 });
    expect(parseCron('cron(0 9 ? * 6L *)').dayOfWeek).toEqual({ kind: 'last', day: 6 });
    expect(parseCron('cron(0 9 ? * L *)').dayOfWeek).toEqual({ kind: 'last', day: 7 });
    expect(parseCron('cron(0 9 ? * TUE#2 *)').dayOfWeek).toEqual({ kind: 'nth', day: 3, nth: 2 });
  });

  it.each([
    ['0 4 * * ? *', 'must be written "cron(minutes hours day-of-month month day-of-week year)"'],
    ['cron(0 4 * * ?)', 'must have 6 fields (minutes hours day-of-month month day-of-week year), found 5'],
    ['cron(0 4 * * SUN *)', 'exactly one of day-of-month and day-of-week must be "?"'],
    ['cron(0 4 ? * ? *)', 'exactly one of day-of-month and day-of-week must be "?"'],
    ['cron(60 4 * * ? *)', 'minutes: 60 is out of range 0-59'],
    ['cron(0 24 * * ? *)', 'hours: 24 is out of range 0-23'],
    ['cron(0 4 32 * ? *)', 'day-of-month: 32 is out of range 1-31'],
    ['cron(0 4 * FOO ? *)', 'month: "FOO" is not a value (expected 1-12 or JAN-DEC)'],
    ['cron(0 4 ? * 8 *)', 'day-of-week: 8 is out of range 1-7'],
    ['cron(0 4 ? * MON/2 *)', 'day-of-week: "/" is not allowed in this field'],
    ['cron(0 4 ? * 3#1,6#3 *)', 'day-of-week: "3#1,6#3" — "#" takes one expression, like "3#2" (second Tuesday)'],
    ['cron(0 4 ? * 3#6 *)', 'day-of-week: "3#6" — the week after "#" must be 1 to 5'],
    ['cron(0 4 * * ? 1969)', 'year: 1969 is out of range 1970-2199'],
    ['cron(0 10-8 * * ? *)', 'hours: range "10-8" starts after it ends'],
    ['cron(*/0 4 * * ? *)', 'minutes: step in "*/0" must be a positive whole number'],
    ['cron(0 4 L,15 * ? *)', 'day-of-month: "L,15" — use "L" alone, or "<day>W" alone (e.g. "15W")'],
    ['cron(0 4 1,,2 * ? *)', 'day-of-month: empty value in list'],
  ])('rejects %s with a message naming the field', (expr, message) => {
    expect(() => parseCron(expr)).toThrow(new CronSyntaxError(message));
    expect(cronProblem(expr)).toBe(message);
  });

  it('has no problem with a valid expression', () => {
    expect(cronProblem('cron(0 4 ? * SUN *)')).toBeUndefined();
  });
});
