import type { ConstraintShape } from './load.js';
import { add, type Context, type Direction } from './validate-context.js';

const patternCache = new Map<string, RegExp | null>();
/** botocore's patterns are Java regular expressions; the few JavaScript cannot compile are skipped. */
function compile(pattern: string): RegExp | null {
  if (!patternCache.has(pattern)) {
    let re: RegExp | null = null;
    for (const flags of ['u', '']) {
      try {
        re = new RegExp(pattern, flags);
        break;
      } catch {
        // try the next flags
      }
    }
    patternCache.set(pattern, re);
  }
  return patternCache.get(pattern) ?? null;
}

export function checkSize(ctx: Context, size: number, c: ConstraintShape | undefined, what: string): void {
  if (!c || ctx.direction === 'response') return;
  if (c.min !== undefined && size < c.min) add(ctx, 'length', `${what} ${size} is below the minimum ${c.min}`);
  if (c.max !== undefined && size > c.max) add(ctx, 'length', `${what} ${size} is above the maximum ${c.max}`);
}

/**
 * A string shape's checks, worked out once per place in a request or response (validate-nodes.ts): its enum as a set
 * (an EC2 enum has hundreds of values), whether a length limit applies, its compiled pattern. Responses are checked
 * for enum values only.
 */
export interface StringRules {
  readonly c: ConstraintShape;
  readonly values: ReadonlySet<string> | undefined;
  readonly length: boolean;
  readonly pattern: RegExp | null;
}

export function stringRules(c: ConstraintShape, direction: Direction): StringRules {
  const request = direction === 'request';
  return {
    c,
    values: c.enum && new Set(c.enum),
    length: request && (c.min !== undefined || c.max !== undefined),
    pattern: request && c.pattern !== undefined ? compile(c.pattern) : null,
  };
}

export function checkString(ctx: Context, value: string, rules: StringRules | undefined): void {
  if (!rules) return;
  const { c } = rules;
  if (rules.values && !rules.values.has(value)) {
    const all = c.enum ?? [];
    const shown = all.length > 12 ? `${all.slice(0, 12).join(', ')}, … (${all.length} values)` : all.join(', ');
    add(ctx, 'enum', `"${value}" is not one of ${shown}`);
  }
  // AWS counts a string's length in characters (code points); counted only where a length limit applies and the
  // string's n UTF-16 units (n/2 to n code points) could break it.
  if (
    rules.length &&
    ((c.max !== undefined && value.length > c.max) || (c.min !== undefined && value.length < 2 * c.min))
  )
    checkSize(ctx, codePoints(value), c, 'length');
  if (rules.pattern && !rules.pattern.test(value)) add(ctx, 'pattern', `"${value}" does not match ${c.pattern}`);
}

/** The number of code points in `value` (a surrogate pair is one), without building an array of them. */
export function codePoints(value: string): number {
  let count = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    const high = value.charCodeAt(i);
    if (high < 0xd800 || high > 0xdbff) continue;
    const low = value.charCodeAt(i + 1);
    if (low >= 0xdc00 && low <= 0xdfff) {
      count--;
      i++;
    }
  }
  return count;
}

export function checkNumber(ctx: Context, value: number, type: string, c: ConstraintShape | undefined): void {
  if ((type === 'integer' || type === 'long') && !Number.isInteger(value)) {
    add(ctx, 'type', `${value} is not an integer`);
  }
  if (!c || ctx.direction === 'response') return;
  if (c.min !== undefined && value < c.min) add(ctx, 'range', `${value} is below the minimum ${c.min}`);
  if (c.max !== undefined && value > c.max) add(ctx, 'range', `${value} is above the maximum ${c.max}`);
}
