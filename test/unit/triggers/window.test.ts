import { describe, expect, it } from 'vitest';
import { patchCycleOf, scheduleWindowRefusal } from '../../../core/triggers/window.js';

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

describe('scheduleWindowRefusal', () => {
  const now = new Date('2027-01-14T03:01:00Z');
  const day = 86_400;

  it('accepts the firing of a window that just opened, within the clock skew either way', () => {
    expect(scheduleWindowRefusal('2027-01-14T03:00:00Z', now, day)).toBeUndefined();
    expect(scheduleWindowRefusal('2027-01-14T03:05:00Z', now, day)).toBeUndefined();
  });

  it('refuses a window in the future: a schedule fires at its time, never before', () => {
    expect(scheduleWindowRefusal('2027-02-09T03:00:00Z', now, day)).toMatch(/is in the future/);
  });

  it('refuses a window older than the retry horizon, and never one within a day', () => {
    expect(scheduleWindowRefusal('2027-01-10T03:00:00Z', now, 3 * day)).toMatch(/older than the retry horizon \(72 h/);
    expect(scheduleWindowRefusal('2027-01-13T04:00:00Z', now, 6 * 3600)).toBeUndefined();
  });
});
