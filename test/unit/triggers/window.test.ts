import { describe, expect, it } from 'vitest';
import { isPatchBuildDay, nextPatchBuildDay, patchCycleOf, patchTuesday } from '../../../core/triggers/window.js';

describe('patchTuesday', () => {
  it.each([
    [2027, 1, '2027-01-12'],
    [2027, 2, '2027-02-09'],
    [2026, 12, '2026-12-08'],
    [2027, 6, '2027-06-08'],
  ])('finds the second Tuesday of %i-%i', (year, month, expected) => {
    expect(patchTuesday(year, month, 'UTC').toFormat('yyyy-MM-dd')).toBe(expected);
  });
});

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

describe('isPatchBuildDay', () => {
  it('is true only on Patch Tuesday plus the configured days', () => {
    expect(isPatchBuildDay('2027-01-14T03:00:00Z', 2, 'Europe/London')).toBe(true);
    expect(isPatchBuildDay('2027-01-13T03:00:00Z', 2, 'Europe/London')).toBe(false);
    expect(isPatchBuildDay('2027-01-15T03:00:00Z', 2, 'Europe/London')).toBe(false);
  });

  it('recognises a build day that rolls over into the next month', () => {
    // December 2026's Patch Tuesday is the 8th; +20 days is 2026-12-28; January's (12th) +20 is 2027-02-01.
    expect(isPatchBuildDay('2027-02-01T03:00:00Z', 20, 'UTC')).toBe(true);
    expect(nextPatchBuildDay('2027-01-20T03:00:00Z', 20, 'UTC')).toBe('2027-02-01');
  });
});
