import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../../local/eventbridge/match.js';
import { validatePattern } from '../../../local/eventbridge/validate.js';

type Scalar = string | number | boolean | null;
type Leaf = { kind: 'leaf'; value: Scalar };
type Node = { kind: 'node'; children: Record<string, unknown> };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// Keys that EventBridge gives meaning to, or that JavaScript does, are kept out of generated events.
const key = fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== '$or' && k !== '__proto__');
const scalar: fc.Arbitrary<Scalar> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const { event } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(scalar, { maxLength: 3 }),
    tie('event'),
    fc.array(tie('event'), { maxLength: 2 }),
  ),
  event: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
})) as { event: fc.Arbitrary<Record<string, unknown>> };

/** What a pattern may say of one leaf value and still match it. */
function leafMatchers(value: Scalar): unknown[] {
  const matchers: unknown[] = [value, { exists: true }];
  if (typeof value === 'string') {
    matchers.push({ prefix: value.slice(0, Math.ceil(value.length / 2)) }, { 'anything-but': `${value}~` });
    matchers.push({ 'equals-ignore-case': value }, { suffix: value.slice(Math.floor(value.length / 2)) });
  }
  if (typeof value === 'number') {
    matchers.push(
      { numeric: ['>', value - 1, '<', value + 1] },
      { numeric: ['=', value] },
      { 'anything-but': value === 0 ? 1 : -value },
    );
  }
  return matchers;
}

/** Where a pattern may reach into an event: a scalar, one scalar of an array, or one object of an array. */
function target(value: unknown): Leaf | Node | undefined {
  if (isObject(value)) return { kind: 'node', children: value };
  if (!Array.isArray(value)) return { kind: 'leaf', value: value as Scalar };
  const object = value.find(isObject);
  if (object !== undefined) return { kind: 'node', children: object };
  return value.length > 0 ? { kind: 'leaf', value: value[0] as Scalar } : undefined;
}

/** A pattern built from the event itself, choosing fields and matchers from `choices`. */
function derivePattern(node: Record<string, unknown>, choices: number[]): Record<string, unknown> {
  const pattern: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(node)) {
    const choice = choices.shift() ?? 0;
    if (choice % 3 === 0) continue;
    const reached = target(value);
    if (reached === undefined) continue;
    if (reached.kind === 'leaf') {
      const matchers = leafMatchers(reached.value);
      pattern[name] = [matchers[choice % matchers.length]];
    } else {
      const nested = derivePattern(reached.children, choices);
      if (Object.keys(nested).length > 0) pattern[name] = nested;
    }
  }
  return pattern;
}

/** The path to one scalar field of the event (objects only, through the first object of arrays). */
function firstScalarPath(node: Record<string, unknown>): string[] | undefined {
  for (const [name, value] of Object.entries(node)) {
    const reached = target(value);
    if (reached?.kind === 'leaf') return [name];
    if (reached?.kind === 'node') {
      const rest = firstScalarPath(reached.children);
      if (rest !== undefined) return [name, ...rest];
    }
  }
  return undefined;
}

function nest(path: string[], leaf: unknown[]): Record<string, unknown> {
  const [head, ...rest] = path;
  return { [head as string]: rest.length === 0 ? leaf : nest(rest, leaf) };
}

describe('matchesPattern properties', () => {
  it('matches any event against a valid pattern derived from that event', () => {
    fc.assert(
      fc.property(event, fc.array(fc.nat(60), { maxLength: 40 }), (generated, choices) => {
        const pattern = derivePattern(generated, [...choices]);
        fc.pre(Object.keys(pattern).length > 0);
        expect(validatePattern(pattern)).toEqual([]);
        expect(matchesPattern(pattern, generated)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never matches a pattern whose value appears nowhere in the event', () => {
    fc.assert(
      fc.property(event, (generated) => {
        const path = firstScalarPath(generated);
        fc.pre(path !== undefined);
        const absent = 'goldsmith-absent-value';
        fc.pre(!JSON.stringify(generated).includes(absent));
        expect(matchesPattern(nest(path as string[], [absent]), generated)).toBe(false);
        expect(matchesPattern(nest(path as string[], [{ prefix: absent }]), generated)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws, whatever the pattern and event', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (pattern, anything) => {
        expect(typeof matchesPattern(pattern, anything)).toBe('boolean');
        expect(Array.isArray(validatePattern(pattern))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
