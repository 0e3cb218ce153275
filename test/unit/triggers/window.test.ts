import { describe, expect, it } from 'vitest';
import { patchCycleOf } from '../../../core/triggers/window.js';

describe('patchCycleOf', () => {
  it.each([
    ['2027-01-12T00:00:00Z', '2027-01', 'starts on Patch Tuesday'],
    ['2027-01-11T23:59:00Z', '2026-12', 'belongs to the previous cycle the day before'],
    ['2027-02-08T12:00:00Z', '2027-01', 'runs until the next Patch Tuesday'],
    ['2027-02-09T00:30:00Z', '2027-02', 'rolls over on the next Patch Tuesday'],
  ])('puts %s in cycle %s (%s)', (at, cycle) => {
    expect(patchCycleOf(at, 'Europe/London')).toBe(cycle);
  });

  it('uses the local date in the timezone when it differs from UTC', () => {
    // 2027-01-11T23:30Z is already Jan 12 in Tokyo, so the January cycle has begun there.
    expect(patchCycleOf('2027-01-11T23:30:00Z', 'Asia/Tokyo')).toBe('2027-01');
    expect(patchCycleOf('2027-01-11T23:30:00Z', 'UTC')).toBe('2026-12');
  });
});
