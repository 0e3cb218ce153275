import { DateTime } from 'luxon';

/**
 * True when `tz` is an IANA time zone name (`Europe/London`, `UTC`) that this runtime's ICU data knows, written
 * the way EventBridge Scheduler's `ScheduleExpressionTimezone` expects: a name, not an offset like `+01:00`, and in
 * its canonical letter case.
 */
export function isIanaTimezone(tz: string): boolean {
  // Every IANA name segment starts with a capital letter ("America/Argentina/Buenos_Aires", "Etc/GMT+5", "UTC");
  // ICU also accepts "europe/london" and "+01:00", which Scheduler does not.
  if (!/^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The wall-clock instant for `year-month-day hour:minute` in `zone`, as EventBridge Scheduler fires it: undefined
 * when that time does not exist (skipped by a daylight-saving jump), and the earlier instant when it exists twice.
 */
export function wallClockInstant(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
): DateTime | undefined {
  const dt = DateTime.fromObject({ year, month, day, hour, minute }, { zone });
  if (!dt.isValid || dt.day !== day || dt.hour !== hour || dt.minute !== minute) return undefined;
  // Luxon resolves an ambiguous wall time to the later offset; look for the same wall time earlier.
  for (const delta of [120, 60, 30]) {
    const earlier = dt.minus({ minutes: delta });
    if (earlier.day === day && earlier.hour === hour && earlier.minute === minute) return earlier;
  }
  return dt;
}

const gapCache = new Map<string, boolean>();

/**
 * True when the wall time `hour:minute` is skipped by a daylight-saving jump on some day in `zone` (checked over
 * 2026–2028; zones repeat their rules yearly). EventBridge Scheduler skips a run that falls there.
 */
export function isSkippedSomeDay(zone: string, hour: number, minute: number): boolean {
  const key = `${zone} ${hour}:${minute}`;
  const cached = gapCache.get(key);
  if (cached !== undefined) return cached;
  let skipped = false;
  let day = DateTime.fromObject({ year: 2026, month: 1, day: 1 }, { zone });
  while (day.isValid && day.year <= 2028 && !skipped) {
    const next = day.plus({ days: 1 });
    if (next.offset !== day.offset)
      skipped = wallClockInstant(zone, day.year, day.month, day.day, hour, minute) === undefined;
    day = next;
  }
  gapCache.set(key, skipped);
  return skipped;
}
