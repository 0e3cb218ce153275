import { describe, expect, it } from 'vitest';
import { GoldsmithError } from '../../../core/errors.js';
import { CronSyntaxError, cronProblem, parseCron } from '../../../core/schedule/cron.js';

describe('parseCron: the expression', () => {
  it('trims the text around and inside the parentheses, and keeps the trimmed text as its source', () => {
    const cron = parseCron('  cron(  5   4 ? * SUN * )  ');
    expect(cron.source).toBe('cron(  5   4 ? * SUN * )');
    expect(cron.minutes).toEqual([5]);
    expect(cron.hours).toEqual([4]);
  });

  it('needs the whole text to be cron(…)', () => {
    const written = 'must be written "cron(minutes hours day-of-month month day-of-week year)"';
    expect(cronProblem('xcron(0 4 ? * SUN *)')).toBe(written);
    expect(cronProblem('cron(0 4 ? * SUN *)x')).toBe(written);
    expect(cronProblem('rate(1 day)')).toBe(written);
  });

  it('counts no field in cron(), and seven when there is one too many', () => {
    expect(cronProblem('cron()')).toBe(
      'must have 6 fields (minutes hours day-of-month month day-of-week year), found 0',
    );
    expect(cronProblem('cron(   )')).toBe(
      'must have 6 fields (minutes hours day-of-month month day-of-week year), found 0',
    );
    expect(cronProblem('cron(0 4 ? * SUN * 1)')).toBe(
      'must have 6 fields (minutes hours day-of-month month day-of-week year), found 7',
    );
  });

  it('sorts minutes and hours, and keeps months and years as sets', () => {
    const cron = parseCron('cron(30,5,15 23,1 1 DEC,JAN ? 2030,2028)');
    expect(cron.minutes).toEqual([5, 15, 30]);
    expect(cron.hours).toEqual([1, 23]);
    expect(cron.months).toEqual(new Set([12, 1]));
    expect(cron.years).toEqual(new Set([2030, 2028]));
    expect(cron.dayOfMonth).toEqual({ kind: 'days', days: new Set([1]) });
    expect(cron.dayOfWeek).toEqual({ kind: 'any' });
  });

  it('reads a day-of-month of ? and a day-of-week list', () => {
    const cron = parseCron('cron(0 0 ? * SUN,sat *)');
    expect(cron.dayOfMonth).toEqual({ kind: 'any' });
    expect(cron.dayOfWeek).toEqual({ kind: 'days', days: new Set([1, 7]) });
  });
});

describe('parseCron: fields', () => {
  it('expands * to the whole range of each field', () => {
    const cron = parseCron('cron(* * * * ? *)');
    expect(cron.minutes).toHaveLength(60);
    expect(cron.minutes[0]).toBe(0);
    expect(cron.minutes[59]).toBe(59);
    expect(cron.hours).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(cron.dayOfMonth).toEqual({ kind: 'days', days: new Set(Array.from({ length: 31 }, (_, i) => i + 1)) });
    expect(cron.months).toEqual(new Set(Array.from({ length: 12 }, (_, i) => i + 1)));
    expect(cron.years.size).toBe(230);
    expect(cron.years.has(1970)).toBe(true);
    expect(cron.years.has(2199)).toBe(true);
    expect(parseCron('cron(0 0 ? * * *)').dayOfWeek).toEqual({ kind: 'days', days: new Set([1, 2, 3, 4, 5, 6, 7]) });
  });

  it('reads a start with a step as running to the end of the field', () => {
    expect(parseCron('cron(50/5 0 * * ? *)').minutes).toEqual([50, 55]);
    expect(parseCron('cron(0 20/2 * * ? *)').hours).toEqual([20, 22]);
    expect(parseCron('cron(0 0 * * ? 2197/1)').years).toEqual(new Set([2197, 2198, 2199]));
  });

  it('steps through a range, ending at or before its end', () => {
    expect(parseCron('cron(10-20/5 0 * * ? *)').minutes).toEqual([10, 15, 20]);
    expect(parseCron('cron(10-19/5 0 * * ? *)').minutes).toEqual([10, 15]);
    expect(parseCron('cron(0-59/30 0 * * ? *)').minutes).toEqual([0, 30]);
    expect(parseCron('cron(7-7 0 * * ? *)').minutes).toEqual([7]);
  });

  it('reads month and day names in any case, numbered from the start of their field', () => {
    expect(parseCron('cron(0 0 1 jan-Mar ? *)').months).toEqual(new Set([1, 2, 3]));
    expect(parseCron('cron(0 0 1 DEC ? *)').months).toEqual(new Set([12]));
    expect(parseCron('cron(0 0 ? * sun-tue *)').dayOfWeek).toEqual({ kind: 'days', days: new Set([1, 2, 3]) });
    expect(parseCron('cron(0 0 ? * SAT#1 *)').dayOfWeek).toEqual({ kind: 'nth', day: 7, nth: 1 });
    expect(parseCron('cron(0 0 ? * fri#5 *)').dayOfWeek).toEqual({ kind: 'nth', day: 6, nth: 5 });
  });

  it('accepts the edges of each range', () => {
    const cron = parseCron('cron(0,59 0,23 1,31 1,12 ? 1970,2199)');
    expect(cron.minutes).toEqual([0, 59]);
    expect(cron.hours).toEqual([0, 23]);
    expect(cron.dayOfMonth).toEqual({ kind: 'days', days: new Set([1, 31]) });
    expect(parseCron('cron(0 0 ? * 1,7 *)').dayOfWeek).toEqual({ kind: 'days', days: new Set([1, 7]) });
    expect(parseCron('cron(0 0 31W * ? *)').dayOfMonth).toEqual({ kind: 'nearest-weekday', day: 31 });
    expect(parseCron('cron(0 0 1W * ? *)').dayOfMonth).toEqual({ kind: 'nearest-weekday', day: 1 });
    expect(parseCron('cron(0 0 ? * 7L *)').dayOfWeek).toEqual({ kind: 'last', day: 7 });
    expect(parseCron('cron(0 0 ? * MONL *)').dayOfWeek).toEqual({ kind: 'last', day: 2 });
  });
});

describe('parseCron: what it refuses', () => {
  it.each([
    ['cron(0 0 0 * ? *)', 'day-of-month: 0 is out of range 1-31'],
    ['cron(0 0 1 0 ? *)', 'month: 0 is out of range 1-12'],
    ['cron(0 0 1 13 ? *)', 'month: 13 is out of range 1-12'],
    ['cron(0 0 ? * 0 *)', 'day-of-week: 0 is out of range 1-7'],
    ['cron(0 0 * * ? 2200)', 'year: 2200 is out of range 1970-2199'],
    ['cron(-1 0 * * ? *)', 'minutes: "" is not a value (expected 0-59)'],
    ['cron(1.5 0 * * ? *)', 'minutes: "1.5" is not a value (expected 0-59)'],
    ['cron(5x 0 * * ? *)', 'minutes: "5x" is not a value (expected 0-59)'],
    ['cron(x5 0 * * ? *)', 'minutes: "x5" is not a value (expected 0-59)'],
    ['cron(0 0 ? * FUN *)', 'day-of-week: "FUN" is not a value (expected 1-7 or SUN-SAT)'],
    ['cron(0 0 0W * ? *)', 'day-of-month: 0 is out of range 1-31'],
    ['cron(0 0 32W * ? *)', 'day-of-month: 32 is out of range 1-31'],
    ['cron(0 0 LW * ? *)', 'day-of-month: "LW" — use "L" alone, or "<day>W" alone (e.g. "15W")'],
    ['cron(0 0 W * ? *)', 'day-of-month: "W" — use "L" alone, or "<day>W" alone (e.g. "15W")'],
    ['cron(0 0 1-15W * ? *)', 'day-of-month: "1-15W" — use "L" alone, or "<day>W" alone (e.g. "15W")'],
    ['cron(0 0 15W,20 * ? *)', 'day-of-month: "15W,20" — use "L" alone, or "<day>W" alone (e.g. "15W")'],
    ['cron(0 0 ? * 8L *)', 'day-of-week: 8 is out of range 1-7'],
    ['cron(0 0 ? * 2,L *)', 'day-of-week: "2,L" — use "L" alone or "<day>L" (e.g. "6L")'],
    ['cron(0 0 ? * L6 *)', 'day-of-week: "L6" — use "L" alone or "<day>L" (e.g. "6L")'],
    ['cron(0 0 ? * 2,6L *)', 'day-of-week: "2,6L" — use "L" alone or "<day>L" (e.g. "6L")'],
    ['cron(0 0 ? * 6L5 *)', 'day-of-week: "6L5" — use "L" alone or "<day>L" (e.g. "6L")'],
    ['cron(0 0 ? * 3#10 *)', 'day-of-week: "3#10" — the week after "#" must be 1 to 5'],
    ['cron(0 0 ? * #2 *)', 'day-of-week: "#2" — "#" takes one expression, like "3#2" (second Tuesday)'],
    ['cron(0 0 ? * 3#x *)', 'day-of-week: "3#x" — "#" takes one expression, like "3#2" (second Tuesday)'],
    ['cron(0 0 ? * 3#2x *)', 'day-of-week: "3#2x" — "#" takes one expression, like "3#2" (second Tuesday)'],
    ['cron(0 0 ? * x3#2 *)', 'day-of-week: "x3" is not a value (expected 1-7 or SUN-SAT)'],
    ['cron(0 0 ? * 3#0 *)', 'day-of-week: "3#0" — the week after "#" must be 1 to 5'],
    ['cron(0 0 ? * 8#1 *)', 'day-of-week: 8 is out of range 1-7'],
    ['cron(0/5/2 0 * * ? *)', 'minutes: "0/5/2" has more than one "/"'],
    ['cron(0/x 0 * * ? *)', 'minutes: step in "0/x" must be a positive whole number'],
    ['cron(0/5x 0 * * ? *)', 'minutes: step in "0/5x" must be a positive whole number'],
    ['cron(0/x5 0 * * ? *)', 'minutes: step in "0/x5" must be a positive whole number'],
    ['cron(0/ 0 * * ? *)', 'minutes: step in "0/" must be a positive whole number'],
    ['cron(1-2-3 0 * * ? *)', 'minutes: "1-2-3" is not a range like "1-5"'],
    ['cron(1- 0 * * ? *)', 'minutes: "" is not a value (expected 0-59)'],
    ['cron(0 0 ? * 1-8 *)', 'day-of-week: 8 is out of range 1-7'],
    ['cron(0 0 ? * SAT-SUN *)', 'day-of-week: range "SAT-SUN" starts after it ends'],
    ['cron(, 0 * * ? *)', 'minutes: empty value in list'],
    ['cron(0 0 * * ? 2027,)', 'year: empty value in list'],
  ])('refuses %s: %s', (expr, message) => {
    expect(cronProblem(expr)).toBe(message);
  });

  it('throws a CronSyntaxError, a GoldsmithError of that name', () => {
    let caught: unknown;
    try {
      parseCron('cron(0 0 ? * ? *)');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CronSyntaxError);
    expect(caught).toBeInstanceOf(GoldsmithError);
    expect(caught).toMatchObject({ name: 'CronSyntaxError' });
  });
});
