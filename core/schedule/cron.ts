import { GoldsmithError } from '../errors.js';

/**
 * EventBridge Scheduler cron expressions: `cron(minutes hours day-of-month month day-of-week year)`.
 * Wildcards per field follow the EventBridge reference: `, - * /` everywhere but day-of-week (no `/`);
 * `?`, `L`, `W` in day-of-month; `?`, `L`, `#` in day-of-week. Exactly one of the two day fields is `?`.
 */

/** A cron expression that EventBridge Scheduler would reject; the message names the field. */
export class CronSyntaxError extends GoldsmithError {
  constructor(message: string) {
    super(message);
    this.name = 'CronSyntaxError';
  }
}

export type DayOfMonthSpec =
  | { readonly kind: 'any' }
  | { readonly kind: 'days'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'last' }
  | { readonly kind: 'nearest-weekday'; readonly day: number };

/** Days of the week are numbered as EventBridge does: 1 = Sunday … 7 = Saturday. */
export type DayOfWeekSpec =
  | { readonly kind: 'any' }
  | { readonly kind: 'days'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'last'; readonly day: number }
  | { readonly kind: 'nth'; readonly day: number; readonly nth: number };

export interface CronSchedule {
  readonly source: string;
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly dayOfMonth: DayOfMonthSpec;
  readonly months: ReadonlySet<number>;
  readonly dayOfWeek: DayOfWeekSpec;
  readonly years: ReadonlySet<number>;
}

interface FieldRange {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly steps: boolean;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const MINUTES: FieldRange = { label: 'minutes', min: 0, max: 59, steps: true };
const HOURS: FieldRange = { label: 'hours', min: 0, max: 23, steps: true };
const DAY_OF_MONTH: FieldRange = { label: 'day-of-month', min: 1, max: 31, steps: true };
const MONTH: FieldRange = { label: 'month', min: 1, max: 12, names: MONTH_NAMES, steps: true };
const DAY_OF_WEEK: FieldRange = { label: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, steps: false };
const YEAR: FieldRange = { label: 'year', min: 1970, max: 2199, steps: true };

/**
 * Parses an EventBridge Scheduler cron expression.
 * @throws CronSyntaxError naming the field and what is wrong with it.
 */
export function parseCron(expr: string): CronSchedule {
  const match = /^cron\((.*)\)$/.exec(expr.trim());
  if (!match) throw new CronSyntaxError(`must be written "cron(minutes hours day-of-month month day-of-week year)"`);
  // Stryker disable next-line StringLiteral: the group `(.*)` always takes part in a match, so `match[1]` is never undefined
  const fields = (match[1] ?? '').trim().split(/\s+/);
  // Stryker disable next-line StringLiteral: a first field is empty only when the text is, and then there is one field, not 6
  if (fields.length !== 6 || fields[0] === '') {
    throw new CronSyntaxError(
      `must have 6 fields (minutes hours day-of-month month day-of-week year), found ${fields[0] === '' ? 0 : fields.length}`,
    );
  }
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    throw new CronSyntaxError('exactly one of day-of-month and day-of-week must be "?"');
  }
  return {
    source: expr.trim(),
    minutes: [...parseList(min, MINUTES)].sort((a, b) => a - b),
    hours: [...parseList(hour, HOURS)].sort((a, b) => a - b),
    dayOfMonth: parseDayOfMonth(dom),
    months: parseList(month, MONTH),
    dayOfWeek: parseDayOfWeek(dow),
    years: parseList(year, YEAR),
  };
}

/** The problem with a cron expression, or undefined when EventBridge Scheduler would accept it. */
export function cronProblem(expr: string): string | undefined {
  try {
    parseCron(expr);
    return undefined;
  } catch (error) {
    if (error instanceof CronSyntaxError) return error.message;
    throw error;
  }
}

function parseDayOfMonth(text: string): DayOfMonthSpec {
  if (text === '?') return { kind: 'any' };
  if (text === 'L') return { kind: 'last' };
  const weekday = /^(\d+)W$/.exec(text);
  if (weekday) return { kind: 'nearest-weekday', day: parseValue(weekday[1] ?? '', DAY_OF_MONTH) };
  if (text.includes('L') || text.includes('W')) {
    throw new CronSyntaxError(`day-of-month: "${text}" — use "L" alone, or "<day>W" alone (e.g. "15W")`);
  }
  return { kind: 'days', days: parseList(text, DAY_OF_MONTH) };
}

function parseDayOfWeek(text: string): DayOfWeekSpec {
  if (text === '?') return { kind: 'any' };
  if (text === 'L') return { kind: 'last', day: 7 };
  const last = /^(\w+)L$/.exec(text);
  if (last) return { kind: 'last', day: parseValue(last[1] ?? '', DAY_OF_WEEK) };
  if (text.includes('#')) {
    const nth = /^(\w+)#(\d+)$/.exec(text);
    if (!nth)
      throw new CronSyntaxError(`day-of-week: "${text}" — "#" takes one expression, like "3#2" (second Tuesday)`);
    const n = Number(nth[2]);
    if (n < 1 || n > 5) throw new CronSyntaxError(`day-of-week: "${text}" — the week after "#" must be 1 to 5`);
    return { kind: 'nth', day: parseValue(nth[1] ?? '', DAY_OF_WEEK), nth: n };
  }
  if (text.includes('L')) throw new CronSyntaxError(`day-of-week: "${text}" — use "L" alone or "<day>L" (e.g. "6L")`);
  return { kind: 'days', days: parseList(text, DAY_OF_WEEK) };
}

function parseList(text: string, range: FieldRange): ReadonlySet<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    for (const v of parseItem(item, range)) values.add(v);
  }
  return values;
}

function parseItem(item: string, range: FieldRange): number[] {
  if (item === '') throw new CronSyntaxError(`${range.label}: empty value in list`);
  const [base = '', step, extra] = item.split('/');
  if (extra !== undefined) throw new CronSyntaxError(`${range.label}: "${item}" has more than one "/"`);
  let increment = 1;
  if (step !== undefined) {
    if (!range.steps) throw new CronSyntaxError(`${range.label}: "/" is not allowed in this field`);
    if (!/^\d+$/.test(step) || Number(step) < 1) {
      throw new CronSyntaxError(`${range.label}: step in "${item}" must be a positive whole number`);
    }
    increment = Number(step);
  }
  let from: number;
  let to: number;
  if (base === '*') {
    from = range.min;
    to = range.max;
  } else if (base.includes('-')) {
    const [a = '', b = '', more] = base.split('-');
    if (more !== undefined) throw new CronSyntaxError(`${range.label}: "${item}" is not a range like "1-5"`);
    from = parseValue(a, range);
    to = parseValue(b, range);
    if (from > to) throw new CronSyntaxError(`${range.label}: range "${base}" starts after it ends`);
  } else {
    from = parseValue(base, range);
    // "5/15" means from 5 to the end of the field, every 15.
    to = step === undefined ? from : range.max;
  }
  const out: number[] = [];
  for (let v = from; v <= to; v += increment) out.push(v);
  return out;
}

function parseValue(text: string, range: FieldRange): number {
  const named = range.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + range.min;
  if (!/^\d+$/.test(text)) {
    const allowed = range.names ? ` or ${range.names[0]}-${range.names[range.names.length - 1]}` : '';
    throw new CronSyntaxError(
      `${range.label}: "${text}" is not a value (expected ${range.min}-${range.max}${allowed})`,
    );
  }
  const value = Number(text);
  if (value < range.min || value > range.max) {
    throw new CronSyntaxError(`${range.label}: ${value} is out of range ${range.min}-${range.max}`);
  }
  return value;
}
