import { describe, expect, it } from 'vitest';
import { validatePattern } from '../../../local/eventbridge/validate.js';

describe('validatePattern', () => {
  it('accepts a plain pattern with nested objects and every operator', () => {
    const pattern = {
      source: ['aws.imagebuilder'],
      detail: {
        a: [{ prefix: 'x' }, { suffix: { 'equals-ignore-case': 'y' } }, { 'equals-ignore-case': 'z' }],
        b: [{ wildcard: 'a*b\\*c\\\\' }, { numeric: ['>=', 0, '<', 10] }, { exists: false }, { cidr: '10.0.0.0/8' }],
        c: [{ 'anything-but': { wildcard: ['*.tmp', '*.bak'] } }, { 'anything-but': [1, 2] }, null, true, 3],
        $or: [{ d: ['1'] }, { e: { f: ['2'] } }],
      },
    };
    expect(validatePattern(pattern)).toEqual([]);
  });

  it.each([
    ['a pattern that is not an object', ['source'], '(pattern): must be a JSON object'],
    ['an empty pattern', {}, '(pattern): empty objects are not allowed'],
    ['a scalar leaf', { source: 'aws.ec2' }, 'source: must be an array of match values'],
    ['an empty match array', { detail: { state: [] } }, 'detail.state: empty arrays are not allowed'],
    ['a nested array', { source: [['a']] }, 'source[0]: must be a string, number, boolean, null or an operator object'],
    ['an unknown operator', { source: [{ contains: 'ec2' }] }, 'source[0]: unknown operator "contains"'],
    [
      'two operators in one object',
      { source: [{ prefix: 'a', suffix: 'b' }] },
      'source[0]: an operator object must have exactly one key',
    ],
    ['a non-string prefix', { source: [{ prefix: 5 }] }, 'source[0].prefix: must be a string'],
    ['a numeric range upside down', { n: [{ numeric: ['<', 10, '>', 0] }] }, 'n[0].numeric: must be one comparison'],
    [
      'a numeric range with crossed bounds',
      { n: [{ numeric: ['>', 10, '<', 0] }] },
      'n[0].numeric: the lower bound must be less',
    ],
    ['a numeric bound out of range', { n: [{ numeric: ['>', 6e9] }] }, 'n[0].numeric: bounds must be numbers'],
    [
      'an odd numeric list',
      { n: [{ numeric: ['>', 0, '<'] }] },
      'n[0].numeric: must be a list of comparison and number pairs',
    ],
    ['a non-boolean exists', { n: [{ exists: 'yes' }] }, 'n[0].exists: must be true or false'],
    ['a bad cidr', { ip: [{ cidr: '10.0.0.0/33' }] }, 'ip[0].cidr: must be an IPv4 or IPv6 CIDR block'],
    [
      'consecutive wildcards',
      { k: [{ wildcard: 'a**b' }] },
      'k[0].wildcard: consecutive wildcard characters are not allowed',
    ],
    ['a bad escape in a wildcard', { k: [{ wildcard: 'a\\b' }] }, 'k[0].wildcard: a backslash may only escape'],
    [
      'a mixed anything-but list',
      { s: [{ 'anything-but': ['a', 1] }] },
      's[0].anything-but: must list only strings or only numbers',
    ],
    ['anything-but true', { s: [{ 'anything-but': true }] }, 's[0].anything-but: must be a string, a number, a list'],
    [
      'an unknown anything-but operator',
      { s: [{ 'anything-but': { numeric: ['>', 1] } }] },
      's[0].anything-but.numeric: unknown anything-but operator',
    ],
    [
      'an anything-but prefix list',
      { s: [{ 'anything-but': { prefix: ['a', 'b'] } }] },
      's[0].anything-but.prefix: must be a non-empty string',
    ],
    ['an $or with one branch', { $or: [{ a: ['1'] }] }, '$or: must hold at least two pattern objects'],
    ['an invalid $or branch', { $or: [{ a: ['1'] }, { b: 'x' }] }, '$or[1].b: must be an array of match values'],
  ])('rejects %s', (_, pattern, expected) => {
    const problems = validatePattern(pattern);
    expect(problems.some((problem) => problem.startsWith(expected))).toBe(true);
  });

  it('reports every problem, not only the first', () => {
    expect(validatePattern({ a: 'x', b: [{ nope: 1 }], c: [] })).toHaveLength(3);
  });
});
