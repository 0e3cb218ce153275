import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../../core/config/schema.js';
import { dueScheduleChanges } from '../../../core/reconcile/schedules.js';
import { triggerCatalog } from '../triggers/fixtures.js';

const WEEK = 7 * 86_400_000;

/** The fixture catalog with `web`'s cron (`cron(0 4 ? * SUN *)`) in `timezone`, or without one. */
function webIn(timezone: string | undefined): Catalog {
  const catalog = structuredClone(triggerCatalog());
  const schedule = catalog.images.web?.schedule;
  if (schedule?.type !== 'cron') throw new Error('the fixture’s web image has a cron schedule');
  if (timezone === undefined) Reflect.deleteProperty(schedule, 'timezone');
  else schedule.timezone = timezone;
  return catalog;
}
const webFirings = (catalog: Catalog, now: string, lookbackMs?: number) =>
  dueScheduleChanges(catalog, new Date(now), lookbackMs)
    .filter((c) => c.image === 'web')
    .map((c) => c.scheduledTime);

describe('dueScheduleChanges: the time zone of a cron schedule', () => {
  it('reads each firing, the first and the ones after it, in the schedule’s time zone', () => {
    // 04:00 on Sunday in Tokyo is 19:00 UTC on Saturday.
    expect(webFirings(webIn('Asia/Tokyo'), '2027-01-17T12:00:00Z', 2 * WEEK)).toEqual([
      '2027-01-09T19:00:00Z',
      '2027-01-16T19:00:00Z',
    ]);
  });

  it('reads a schedule without a time zone (a catalog without its defaults) in UTC', () => {
    expect(webFirings(webIn(undefined), '2027-01-17T12:00:00Z', 2 * WEEK)).toEqual([
      '2027-01-10T04:00:00Z',
      '2027-01-17T04:00:00Z',
    ]);
  });
});

describe('dueScheduleChanges: the edges of the window for a cron schedule', () => {
  it('includes a firing exactly at the start of the window, and not one a moment before', () => {
    expect(webFirings(webIn('UTC'), '2027-01-18T04:00:00Z')).toEqual(['2027-01-17T04:00:00Z']);
    expect(webFirings(webIn('UTC'), '2027-01-18T04:00:00.001Z')).toEqual([]);
  });
});
