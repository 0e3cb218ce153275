import { describe, expect, it } from 'vitest';
import { formatDuration, InvalidDurationError, parseDuration } from '../../../core/duration.js';
import { AWS_COMMERCIAL_REGIONS, isCommercialRegion } from '../../../core/regions.js';

describe('parseDuration', () => {
  it('converts each unit to seconds', () => {
    expect([parseDuration('30m'), parseDuration('12h'), parseDuration('3d'), parseDuration('2w')]).toEqual([
      1800, 43_200, 259_200, 1_209_600,
    ]);
  });

  it.each(['', '3', 'd', '1.5h', '3 d', '-1d', '3D', '2y'])('throws InvalidDurationError for %j', (text) => {
    expect(() => parseDuration(text)).toThrow(InvalidDurationError);
  });

  it('names the text it refuses and the syntax it expects', () => {
    const error = (() => {
      try {
        parseDuration('3 days');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidDurationError);
    expect(error).toMatchObject({
      name: 'InvalidDurationError',
      duration: '3 days',
      message: 'invalid duration "3 days": expected a whole number and a unit m, h, d or w, like "30m" or "3d"',
    });
  });

  it('throws instead of losing precision on absurdly long numbers', () => {
    expect(() => parseDuration(`${'9'.repeat(20)}w`)).toThrow(InvalidDurationError);
  });
});

describe('formatDuration', () => {
  it('uses the largest unit that divides evenly', () => {
    expect([formatDuration(1_209_600), formatDuration(31_536_000), formatDuration(5400), formatDuration(7)]).toEqual([
      '2w',
      '365d',
      '90m',
      '7s',
    ]);
  });

  it('writes no time in seconds', () => {
    expect(formatDuration(0)).toBe('0s');
  });
});

describe('isCommercialRegion', () => {
  it('knows old and recent commercial Regions and rejects other partitions and typos', () => {
    expect(['us-east-1', 'eu-west-2', 'mx-central-1', 'ap-southeast-7'].every(isCommercialRegion)).toBe(true);
    expect(['cn-north-1', 'us-gov-west-1', 'us-east-7', 'US-EAST-1', ''].some(isCommercialRegion)).toBe(false);
  });

  it('lists each Region once', () => {
    expect(new Set(AWS_COMMERCIAL_REGIONS).size).toBe(AWS_COMMERCIAL_REGIONS.length);
  });
});
