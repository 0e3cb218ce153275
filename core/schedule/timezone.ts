/**
 * Wall-clock time in IANA time zones, from the runtime's own ICU data through `Intl.DateTimeFormat` (no date
 * library: luxon, which did this before, was ~74 KB of every Lambda bundle that reads a schedule).
 */

/** A wall-clock reading in one time zone; `month` is 1–12. */
export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The formatter that reads a wall clock in `zone` (cached per zone: building one costs far more than using it).
 * @throws RangeError when the runtime does not know the zone.
 */
function formatterOf(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      // h23: midnight is 00, never the 24 some engines print with hour12: false.
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    // Stryker disable next-line CallExpression: the cache only saves building a formatter again; each reads the same
    formatters.set(zone, formatter);
  }
  return formatter;
}

// What the formatter prints: `1/2/2027, 03:04:05` (month/day/year, then the 24-hour time).
const FORMATTED = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/;

/** The formatter prints no era, so instants before year 1 (in any zone) would read as later years: refused. */
const EARLIEST = new Date(0).setUTCFullYear(1, 0, 2);

/**
 * The wall clock in `zone` at `epochMs` (to the millisecond), for instants from year 1 on.
 * @throws RangeError for an unknown zone or an instant outside that range.
 */
export function wallClockAt(zone: string, epochMs: number): WallClock {
  if (!Number.isFinite(epochMs) || epochMs < EARLIEST) throw new RangeError(`invalid instant ${epochMs}`);
  // format() and a regular expression: half the time formatToParts takes, on the path every schedule step runs.
  const m = FORMATTED.exec(formatterOf(zone).format(epochMs));
  // Stryker disable next-line StringLiteral: the formatter always prints that format, so no instant reaches the message
  if (m === null) throw new RangeError(`unexpected wall clock format in ${zone} at ${epochMs}`);
  return {
    year: Number(m[3]),
    month: Number(m[1]),
    day: Number(m[2]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6]),
    millisecond: ((epochMs % 1000) + 1000) % 1000,
  };
}

/** The wall clock's reading (to the whole second) as if it were UTC, in epoch milliseconds. */
function asUtc(clock: Omit<WallClock, 'millisecond'>): number {
  const ms = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
  // Date.UTC maps years 0–99 to 1900–1999: setting the year again puts those back (and changes no other year).
  return new Date(ms).setUTCFullYear(clock.year);
}

/** The zone's offset from UTC at `epochMs`, in minutes (east positive: +60 for Europe/Paris in winter). */
export function offsetMinutesAt(zone: string, epochMs: number): number {
  const wholeSecond = epochMs - (((epochMs % 1000) + 1000) % 1000);
  return (asUtc(wallClockAt(zone, wholeSecond)) - wholeSecond) / MINUTE_MS;
}

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
    formatterOf(tz);
    return true;
  } catch {
    return false;
  }
}

/**
 * The instant of the wall-clock time `year-month-day hour:minute` in `zone`, as EventBridge Scheduler fires it:
 * undefined when that time does not exist (skipped by a daylight-saving jump, or no such date), and the earlier
 * instant when it exists twice (the hour the autumn change repeats).
 * @throws RangeError for an unknown zone.
 */
export function wallClockInstant(...wallClock: Parameters<typeof wallClockReadings>): Date | undefined {
  const readings = wallClockReadings(...wallClock);
  return readings.length === 0 ? undefined : new Date(Math.min(...readings));
}

/**
 * Every instant (epoch ms) whose wall clock in `zone` reads `year-month-day hour:minute`: none in a daylight-saving
 * gap (or for a date the calendar does not have), two in the hour the autumn change repeats, one otherwise.
 * @throws RangeError for an unknown zone.
 */
export function wallClockReadings(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
): number[] {
  const local = asUtc({ year, month, day, hour, minute, second: 0 });
  const date = new Date(local);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || date.getUTCHours() !== hour) return [];
  if (date.getUTCMinutes() !== minute) return [];
  // The instant is `local` minus the offset in force then. An offset is between −12 and +14 hours, and zones change
  // offset at most once within two days, so the offsets a day either side are the only candidates (as Temporal's
  // reference implementation reasons): a candidate whose own offset differs lies in a gap; two that hold are the
  // two readings of a repeated hour.
  const before = offsetMinutesAt(zone, local - DAY_MS);
  const after = offsetMinutesAt(zone, local + DAY_MS);
  return [...new Set([before, after])]
    .map((offset) => ({ offset, at: local - offset * MINUTE_MS }))
    .filter(({ offset, at }) => offsetMinutesAt(zone, at) === offset)
    .map(({ at }) => at);
}
