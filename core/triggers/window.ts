import { DateTime } from 'luxon';
import { patchTuesday } from '../schedule/monthly-patch.js';

/**
 * The monthly patch window ("cycle") an instant falls in. A cycle starts at 00:00 local time on the second Tuesday
 * of a month and ends just before the next month's second Tuesday; it is named after the month it starts in
 * (`2027-01`). Anything built after Patch Tuesday already carries that month's fixes, so one build per cycle is
 * enough for an image's schedule and its base-image releases together.
 */
export function patchCycleOf(at: string, timezone: string): string {
  const local = DateTime.fromISO(at, { zone: 'utc' }).setZone(timezone);
  if (!local.isValid) throw new RangeError(`invalid time "${at}" or timezone "${timezone}"`);
  const thisMonth = patchTuesday(local.year, local.month);
  const started = local.day >= thisMonth.day;
  const cycle = started ? local : local.minus({ months: 1 });
  return cycle.toFormat('yyyy-MM');
}
