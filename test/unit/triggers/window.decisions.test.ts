import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { patchCycleOf } from '../../../core/triggers/window.js';

// January 2027's Patch Tuesday is the 12th.
describe('patchCycleOf: a time without an offset is read as UTC, whatever the local zone', () => {
  const parse = Date.parse;
  // A host nine hours ahead of UTC (Tokyo): ECMAScript reads a date-time without an offset as local time there, so
  // 05:00 on the 12th would be 20:00 UTC on the 11th.
  const localDateTime = /T\d\d:\d\d(?::\d\d(?:\.\d+)?)?$/;
  beforeEach(() => {
    vi.spyOn(Date, 'parse').mockImplementation((s) =>
      localDateTime.test(s) ? parse(`${s}Z`) - 9 * 3_600_000 : parse(s),
    );
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('runs on such a host here', () => {
    expect(new Date(Date.parse('2027-01-12T05:00:00')).toISOString()).toBe('2027-01-11T20:00:00.000Z');
  });

  it.each(['2027-01-12T05:00', '2027-01-12T05:00:00', '2027-01-12T05:00:00.000'])(
    'puts %s in the cycle of the 12th',
    (at) => {
      expect(patchCycleOf(at, 'UTC')).toBe('2027-01');
    },
  );

  it('keeps an offset or a Z as given', () => {
    expect(patchCycleOf('2027-01-12T05:00:00+09:00', 'UTC')).toBe('2026-12');
    expect(patchCycleOf('2027-01-12T05:00:00.000+09:00', 'UTC')).toBe('2026-12');
    expect(patchCycleOf('2027-01-12T05:00+09:00', 'UTC')).toBe('2026-12');
    expect(patchCycleOf('2027-01-11T20:00:00Z', 'UTC')).toBe('2026-12');
    expect(patchCycleOf('2027-01-12T00:00:00Z', 'UTC')).toBe('2027-01');
  });
});

describe('patchCycleOf: what it refuses', () => {
  it('refuses a time that is not a time, or an unknown zone, naming both', () => {
    expect(() => patchCycleOf('yesterday', 'UTC')).toThrow(
      new RangeError('invalid time "yesterday" or timezone "UTC"'),
    );
    expect(() => patchCycleOf('2027-01-12T00:00:00Z', 'Mars/Olympus')).toThrow(
      new RangeError('invalid time "2027-01-12T00:00:00Z" or timezone "Mars/Olympus"'),
    );
  });
});

describe('patchCycleOf: the name of a cycle', () => {
  it('pads the month to two digits and the year to four', () => {
    expect(patchCycleOf('2027-09-20T00:00:00Z', 'UTC')).toBe('2027-09');
    expect(patchCycleOf('0999-06-30T00:00:00Z', 'UTC')).toBe('0999-06');
  });

  it('names a cycle that began in the previous year after that year', () => {
    expect(patchCycleOf('2027-01-01T00:00:00Z', 'UTC')).toBe('2026-12');
  });
});
