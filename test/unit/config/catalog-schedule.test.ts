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

  it('rejects a monthly patch time that a daylight-saving jump skips', () => {
    expect(problemsAfter((c) => (c.images.base.schedule.at = '01:30'))).toEqual([
      "images.base.schedule.at: 01:30 does not exist on some days in Europe/London (daylight-saving jump); EventBridge Scheduler would skip that month's build: choose another time",
    ]);
  });

  it('accepts the same time in a zone without daylight saving', () => {
    expect(
      problemsAfter((c) => Object.assign(c.images.base.schedule, { at: '01:30', timezone: 'Asia/Tokyo' })),
    ).toEqual([]);
  });

  it('rejects a time of day that is not HH:MM', () => {
    expect(problemsAfter((c) => (c.images.base.schedule.at = '3am'))).toEqual([
      'images.base.schedule.at: must be a time of day like "03:00"',
    ]);
  });
});
