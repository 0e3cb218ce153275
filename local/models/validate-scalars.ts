import type { ConstraintShape } from './load.js';
import { add, type Context } from './validate-context.js';

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

export function checkString(ctx: Context, value: string, c: ConstraintShape | undefined): void {
  if (!c) return;
  if (c.enum && !c.enum.includes(value)) {
    const shown =
      c.enum.length > 12 ? `${c.enum.slice(0, 12).join(', ')}, … (${c.enum.length} values)` : c.enum.join(', ');
    add(ctx, 'enum', `"${value}" is not one of ${shown}`);
  }
  // AWS counts a string's length in characters (code points); counted only where a length limit applies.
  if (ctx.direction === 'request' && (c.min !== undefined || c.max !== undefined))
    checkSize(ctx, codePoints(value), c, 'length');
  if (c.pattern !== undefined && ctx.direction === 'request') {
    const re = compile(c.pattern);
    if (re && !re.test(value)) add(ctx, 'pattern', `"${value}" does not match ${c.pattern}`);
  }
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
