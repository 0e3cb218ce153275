import { describe, expect, it } from 'vitest';
import { problemsAfter } from './helpers.js';

describe('parseCatalog schedule rules', () => {
  it('rejects a cron expression with values in both day fields', () => {
    expect(problemsAfter((c) => (c.images['web-runtime'].schedule.expression = 'cron(0 4 * * SUN *)'))).toEqual([
      'images.web-runtime.schedule.expression: invalid cron expression: exactly one of day-of-month and day-of-week must be "?"',
    ]);
  });

  it('rejects a cron expression with five fields', () => {
    expect(problemsAfter((c) => (c.images['web-runtime'].schedule.expression = 'cron(0 4 ? * SUN)'))).toEqual([
      'images.web-runtime.schedule.expression: invalid cron expression: must have 6 fields (minutes hours day-of-month month day-of-week year), found 5',
    ]);
  });

  it('rejects an unknown time zone', () => {
    expect(problemsAfter((c) => (c.images.base.schedule.timezone = 'Europe/Londn'))).toEqual([
      'images.base.schedule.timezone: unknown IANA time zone "Europe/Londn" (e.g. "Europe/London", "UTC")',
    ]);
  });

  it('rejects a UTC offset written as a time zone', () => {
    expect(problemsAfter((c) => (c.images['web-runtime'].schedule.timezone = '+01:00'))).toEqual([
      'images.web-runtime.schedule.timezone: unknown IANA time zone "+01:00" (e.g. "Europe/London", "UTC")',
    ]);
  });

  it('rejects a monthly patch time that a daylight-saving jump skips on a build day, naming the date', () => {
    expect(
      problemsAfter((c) =>
        Object.assign(c.images.base.schedule, { daysAfterPatchTuesday: 5, at: '02:30', timezone: 'America/New_York' }),
      ),
    ).toEqual([
      "images.base.schedule.at: 02:30 does not exist on 2027-03-14 in America/New_York (clocks go forward), a build day for daysAfterPatchTuesday 5; EventBridge Scheduler would skip that month's build: choose another time",
    ]);
  });

  it('accepts 02:30 in Berlin a day after Patch Tuesday: no build day is a daylight-saving Sunday', () => {
    expect(
      problemsAfter((c) =>
        Object.assign(c.images.base.schedule, { daysAfterPatchTuesday: 1, at: '02:30', timezone: 'Europe/Berlin' }),
      ),
    ).toEqual([]);
  });

  it('rejects a monthly patch time that happens twice on a build day', () => {
    expect(
      problemsAfter((c) =>
        Object.assign(c.images.base.schedule, { daysAfterPatchTuesday: 19, at: '01:30', timezone: 'America/New_York' }),
      ),
    ).toEqual([
      'images.base.schedule.at: 01:30 happens twice on 2026-11-01 in America/New_York (clocks go back), a build day for daysAfterPatchTuesday 19; choose a time that happens once',
    ]);
  });

  it('accepts the same time in a zone without daylight saving', () => {
    expect(
      problemsAfter((c) => Object.assign(c.images.base.schedule, { at: '01:30', timezone: 'Asia/Tokyo' })),
    ).toEqual([]);
  });

  it('rejects an hour past 23 once, without a daylight-saving check of a time that does not exist', () => {
    expect(problemsAfter((c) => Object.assign(c.images.base.schedule, { at: '25:00', timezone: 'UTC' }))).toEqual([
      'images.base.schedule.at: must be a time of day like "03:00"',
    ]);
  });

  it('rejects a time of day that is not HH:MM', () => {
    expect(problemsAfter((c) => (c.images.base.schedule.at = '3am'))).toEqual([
      'images.base.schedule.at: must be a time of day like "03:00"',
    ]);
  });
});
