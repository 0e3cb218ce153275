import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../../local/eventbridge/match.js';
import { validatePattern } from '../../../local/eventbridge/validate.js';
import { rulerEvent } from './documented-events.js';
import { documentedExamples as basicExamples } from './documented-examples.js';
import { documentedOperatorExamples } from './documented-operator-examples.js';

const documentedExamples = [...basicExamples, ...documentedOperatorExamples];

describe('matchesPattern on AWS documented examples', () => {
  it.each(documentedExamples)('gives the documented result: $name', ({ pattern, event, matches }) => {
    expect(matchesPattern(pattern, event)).toBe(matches);
  });

  it.each(documentedExamples)('accepts the documented pattern as valid: $name', ({ pattern }) => {
    expect(validatePattern(pattern)).toEqual([]);
  });
});

describe('matchesPattern', () => {
  it('does not match when a field named in the pattern is missing from the event', () => {
    expect(matchesPattern({ detail: { state: ['running'] } }, { detail: {} })).toBe(false);
    expect(matchesPattern({ detail: { state: [{ 'anything-but': 'x' }] } }, { detail: {} })).toBe(false);
  });

  it('does not match a string value against the same number, nor true against "true"', () => {
    expect(matchesPattern({ n: [5] }, { n: '5' })).toBe(false);
    expect(matchesPattern({ b: [true] }, { b: 'true' })).toBe(false);
    expect(matchesPattern({ b: [true] }, { b: true })).toBe(true);
  });

  it('compares numeric bounds by value, so 3.018e2 equals 301.8 and 300 equals 3.0e2', () => {
    expect(matchesPattern({ x: [{ numeric: ['=', 3.0e2] }] }, { x: 300 })).toBe(true);
    expect(matchesPattern({ x: [{ numeric: ['>=', 300, '<', 300.5] }] }, { x: 300.25 })).toBe(true);
  });

  it('applies numeric only to JSON numbers', () => {
    expect(matchesPattern({ x: [{ numeric: ['>', 0] }] }, { x: '5' })).toBe(false);
  });

  it('matches equals-ignore-case on the whole value, not a part of it', () => {
    expect(matchesPattern({ source: [{ 'equals-ignore-case': 'EC2' }] }, rulerEvent)).toBe(false);
    expect(matchesPattern({ source: [{ 'equals-ignore-case': 'AWS.EC2' }] }, rulerEvent)).toBe(true);
  });

  it('matches an array-valued field when any element matches an operator', () => {
    expect(matchesPattern({ tags: [{ prefix: 'prod-' }] }, { tags: ['dev-a', 'prod-b'] })).toBe(true);
    expect(matchesPattern({ tags: [{ 'anything-but': 'a' }] }, { tags: ['a', 'b'] })).toBe(true);
    expect(matchesPattern({ tags: [{ 'anything-but': 'a' }] }, { tags: ['a'] })).toBe(false);
  });

  it('treats an empty event array as no value for exists', () => {
    expect(matchesPattern({ tags: [{ exists: true }] }, { tags: [] })).toBe(false);
    expect(matchesPattern({ tags: [{ exists: false }] }, { tags: [] })).toBe(true);
  });

  it('sees null as a value for exists', () => {
    expect(matchesPattern({ v: [{ exists: true }] }, { v: null })).toBe(true);
  });

  it('matches exists false when the parent object is missing altogether', () => {
    expect(matchesPattern({ detail: { 'c-count': [{ exists: false }] } }, { source: 'x' })).toBe(true);
  });

  it('matches a wildcard against several stars and newlines', () => {
    expect(
      matchesPattern(
        { arn: [{ wildcard: 'arn:aws:events:*:*:event-bus/*' }] },
        { arn: 'arn:aws:events:us-east-1:123456789012:event-bus/main' },
      ),
    ).toBe(true);
    expect(matchesPattern({ text: [{ wildcard: 'a*b' }] }, { text: 'a\nb' })).toBe(true);
    expect(matchesPattern({ text: [{ wildcard: 'a.b' }] }, { text: 'axb' })).toBe(false);
  });

  it('treats $or that is not an array of two objects as an ordinary field name', () => {
    expect(matchesPattern({ $or: ['x'] }, { $or: 'x' })).toBe(true);
    expect(matchesPattern({ $or: ['x'] }, { other: 'x' })).toBe(false);
  });

  it('does not read inherited properties of the event', () => {
    expect(matchesPattern({ constructor: [{ exists: true }] }, {})).toBe(false);
    expect(matchesPattern({ toString: [{ exists: false }] }, {})).toBe(true);
  });

  it('matches nothing for a pattern that is not an object or has a scalar where an array belongs', () => {
    expect(matchesPattern('source', { source: 'source' })).toBe(false);
    expect(matchesPattern({ source: 'aws.ec2' }, { source: 'aws.ec2' })).toBe(false);
  });

  it('does not match a cidr against a non-address or the other IP version', () => {
    expect(matchesPattern({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 'not-an-ip' })).toBe(false);
    expect(matchesPattern({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '::ffff:a00:1' })).toBe(false);
    expect(matchesPattern({ ip: [{ cidr: '::/0' }] }, { ip: '::1' })).toBe(true);
  });
});
