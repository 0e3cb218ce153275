import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { catalogErrorMap, formatPath, issuesToProblems } from '../../../core/config/problems.js';

/** The problem lines a catalog parse would print for `value` against `schema`. */
const problems = (schema: z.ZodType, value: unknown): string[] => {
  const result = schema.safeParse(value, { error: catalogErrorMap });
  return result.success ? [] : issuesToProblems(result.error.issues);
};

describe('formatPath', () => {
  it('writes keys with dots, items with brackets, and the root as "catalog"', () => {
    expect(formatPath([])).toBe('catalog');
    expect(formatPath(['images', 'app', 'components', 2, 'file'])).toBe('images.app.components[2].file');
    expect(formatPath([0, 'name'])).toBe('[0].name');
  });
});

describe('catalogErrorMap: plain words for zod defaults', () => {
  it('says what type was expected and what was given, or that the value is missing', () => {
    const schema = z.object({ a: z.string(), b: z.array(z.string()), c: z.object({}) });

    expect(problems(schema, { a: null, b: 'x', c: [] })).toEqual([
      'a: must be a string, not null',
      'b: must be an array, not a string',
      'c: must be an object, not an array',
    ]);
    expect(problems(schema, { a: 1, b: [], c: {} })).toEqual(['a: must be a string, not a number']);
    expect(problems(schema, { b: [], c: {} })).toEqual(['a: is required']);
  });

  it('counts list items in the singular and plural, and says a text must not be empty', () => {
    expect(problems(z.array(z.string()).min(1), [])).toEqual(['catalog: must list at least 1 item']);
    expect(problems(z.array(z.string()).min(2), [])).toEqual(['catalog: must list at least 2 items']);
    expect(problems(z.string().min(1), '')).toEqual(['catalog: must not be empty']);
    expect(problems(z.number().min(5), 4)).toEqual(['catalog: must be at least 5']);
  });

  it('gives the most a list, a text or a number may be', () => {
    expect(problems(z.array(z.string()).max(1), ['a', 'b'])).toEqual(['catalog: must list at most 1 items']);
    expect(problems(z.string().max(3), 'abcd')).toEqual(['catalog: must be at most 3 characters']);
    expect(problems(z.number().max(10), 11)).toEqual(['catalog: must be at most 10']);
  });

  it('lists the values allowed, and the pattern a text must match, or the check it failed', () => {
    expect(problems(z.enum(['ami', 'container']), 'vm')).toEqual(['catalog: must be "ami" or "container"']);
    expect(problems(z.string().regex(/^x+$/), 'y')).toEqual(['catalog: must match /^x+$/']);
    expect(problems(z.string().startsWith('x'), 'y')).toEqual(['catalog: must be a valid starts_with']);
  });

  it("leaves zod's own message where it has no plainer one, and a schema's own message first", () => {
    expect(problems(z.number().multipleOf(5), 7)).toEqual(['catalog: Invalid number: must be a multiple of 5']);
    expect(problems(z.string().min(2, 'too short'), 'a')).toEqual(['catalog: too short']);
  });
});

describe('issuesToProblems', () => {
  it('writes one line per unknown key, under a prefix', () => {
    const result = z.strictObject({ a: z.string() }).safeParse({ a: 'x', b: 1, c: 2 }, { error: catalogErrorMap });
    expect(result.success ? [] : issuesToProblems(result.error.issues, ['images', 'app'])).toEqual([
      'images.app.b: unknown key',
      'images.app.c: unknown key',
    ]);
  });

  it('says a record key is an invalid name', () => {
    expect(problems(z.record(z.string().regex(/^[a-z]+$/), z.number()), { Bad: 1 })).toEqual([
      'Bad: invalid name: must match /^[a-z]+$/',
    ]);
  });

  it('explains a union by the one branch whose type matched with the fewest complaints', () => {
    const schema = z.union([
      z.object({ kind: z.literal('a'), size: z.number() }),
      z.object({ kind: z.literal('b'), name: z.string(), tag: z.string() }),
      z.string(),
    ]);

    expect(problems(schema, { kind: 'a', size: 'big' })).toEqual(['size: must be a number, not a string']);
    expect(problems(schema, { kind: 'b', name: 'n' })).toEqual(['tag: is required']);
  });

  it('counts a type complaint inside a branch as a complaint, not as a branch of the wrong type', () => {
    const schema = z.union([z.object({ a: z.string() }), z.object({ a: z.string(), b: z.string(), c: z.string() })]);

    expect(problems(schema, { a: 1 })).toEqual(['a: must be a string, not a number']);
  });

  it('keeps a branch whose complaint is about the value itself, not its type', () => {
    const schema = z.union([z.string().regex(/^a/), z.string().regex(/^b/).regex(/c$/)]);

    expect(problems(schema, 'xx')).toEqual(['catalog: must match /^a/']);
  });

  it("gives the union's own message when no branch's type matched, or two are as close", () => {
    const schema = z.union([z.object({ a: z.string() }), z.object({ b: z.string() })], { error: 'must be a or b' });

    expect(problems(schema, 5)).toEqual(['catalog: must be a or b']);
    expect(problems(schema, {})).toEqual(['catalog: must be a or b']);
  });
});
