import { describe, expect, it } from 'vitest';
import { lastPatchTuesday, secondsSincePatchDay } from '../../../core/observability/timing.js';

describe('lastPatchTuesday', () => {
  it('is the Patch Tuesday itself from its first instant on, and the month before until then', () => {
    expect(lastPatchTuesday(new Date('2027-01-12T00:00:00Z')).toISOString()).toBe('2027-01-12T00:00:00.000Z');
    expect(lastPatchTuesday(new Date('2027-01-11T23:59:59Z')).toISOString()).toBe('2026-12-08T00:00:00.000Z');
  });

  it('goes back across a year end', () => {
    expect(lastPatchTuesday(new Date('2027-01-05T00:00:00Z')).toISOString()).toBe('2026-12-08T00:00:00.000Z');
  });
});

describe('secondsSincePatchDay', () => {
  it('counts whole seconds from the latest Patch Tuesday', () => {
    expect(secondsSincePatchDay(new Date('2027-01-13T01:00:00.400Z'))).toBe(90_000);
  });
});
