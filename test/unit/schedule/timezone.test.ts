import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  isIanaTimezone,
  offsetMinutesAt,
  wallClockAt,
  wallClockInstant,
  wallClockReadings,
} from '../../../core/schedule/timezone.js';
import { patchCycleOf } from '../../../core/triggers/window.js';

// Luxon (a dev dependency only) is the oracle: the schedule code used it until it was replaced by Intl arithmetic to
// keep ~74 KB out of the Lambda bundles. These references are the replaced code, verbatim in behaviour.
function luxonWallClockInstant(zone: string, year: number, month: number, day: number, hour: number, minute: number) {
  const dt = DateTime.fromObject({ year, month, day, hour, minute }, { zone });
  if (!dt.isValid || dt.day !== day || dt.hour !== hour || dt.minute !== minute) return undefined;
  for (const delta of [120, 60, 30]) {
    const earlier = dt.minus({ minutes: delta });
    if (earlier.day === day && earlier.hour === hour && earlier.minute === minute) return earlier.toJSDate();
  }
  return dt.toJSDate();
}

function luxonPatchCycleOf(at: string, timezone: string): string {
  const local = DateTime.fromISO(at, { zone: 'utc' }).setZone(timezone);
  const second = DateTime.fromObject({ year: local.year, month: local.month, day: 1 }, { zone: 'utc' });
  const firstTuesday = 1 + ((2 - (second.weekday % 7) + 7) % 7);
  const cycle = local.day >= firstTuesday + 7 ? local : local.minus({ months: 1 });
  return cycle.toFormat('yyyy-MM');
}

// Zones the catalog accepts (any IANA name), chosen for their daylight-saving shapes: none, the usual hour (both
// hemispheres), a negative one (Dublin's winter time), half an hour (Lord Howe), two hours (Troll), transitions at
// midnight (Santiago, Havana, Asuncion, Beirut), odd offsets (Chatham +12:45/+13:45, St John's −3:30, Kathmandu +5:45).
const ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Dublin',
  'America/New_York',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Antarctica/Troll',
  'America/Santiago',
  'America/Havana',
  'America/Asuncion',
  'Asia/Beirut',
  'Pacific/Chatham',
  'America/St_Johns',
  'Asia/Kathmandu',
  'Asia/Tokyo',
  'Africa/Casablanca',
] as const;

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Every instant in 2026–2029 at which `zone` changes its offset (to the minute). */
function transitions(zone: string): number[] {
  const found: number[] = [];
  for (let at = Date.UTC(2026, 0, 1); at < Date.UTC(2030, 0, 1); at += DAY) {
    if (offsetMinutesAt(zone, at) === offsetMinutesAt(zone, at + DAY)) continue;
    let low = at;
    let high = at + DAY;
    while (high - low > MINUTE) {
      const mid = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
      if (offsetMinutesAt(zone, mid) === offsetMinutesAt(zone, at)) low = mid;
      else high = mid;
    }
    found.push(high);
  }
  return found;
}

const TRANSITIONS = new Map(ZONES.map((z) => [z, transitions(z)]));

/** An instant in 2026–2029, half of them within three hours of one of the zone's offset changes. */
const instantIn = (zone: string) => {
  const near = TRANSITIONS.get(zone as (typeof ZONES)[number]) ?? [];
  const anywhere = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2029, 11, 31) });
  if (near.length === 0) return anywhere;
  return fc.oneof(
    anywhere,
    fc
      .tuple(fc.constantFrom(...near), fc.integer({ min: -180, max: 180 }), fc.integer({ min: 0, max: 59_999 }))
      .map(([t, minutes, ms]) => t + minutes * MINUTE + ms),
  );
};

const zoneAndInstant = fc.constantFrom(...ZONES).chain((zone) => fc.tuple(fc.constant(zone), instantIn(zone)));

describe('the zones under test', () => {
  it('change offset where expected: London twice a year, Troll by two hours, Tokyo never', () => {
    expect(TRANSITIONS.get('Europe/London')).toHaveLength(8);
    expect(TRANSITIONS.get('Asia/Tokyo')).toHaveLength(0);
    const troll = TRANSITIONS.get('Antarctica/Troll') ?? [];
    expect(
      troll.map((t) => offsetMinutesAt('Antarctica/Troll', t) - offsetMinutesAt('Antarctica/Troll', t - 1)),
    ).toContain(120);
  });
});

describe('wallClockAt', () => {
  it('reads the same wall clock as luxon for any instant, near offset changes too', () => {
    fc.assert(
      fc.property(zoneAndInstant, ([zone, at]) => {
        const ours = wallClockAt(zone, at);
        const theirs = DateTime.fromMillis(at, { zone });
        expect(ours).toEqual({
          year: theirs.year,
          month: theirs.month,
          day: theirs.day,
          hour: theirs.hour,
          minute: theirs.minute,
          second: theirs.second,
          millisecond: theirs.millisecond,
        });
        expect(offsetMinutesAt(zone, at)).toBe(theirs.offset);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads midnight as hour 0, never 24', () => {
    expect(wallClockAt('Europe/London', Date.UTC(2027, 0, 1, 0, 0))).toMatchObject({ day: 1, hour: 0, minute: 0 });
  });

  it('throws for a zone the runtime does not know', () => {
    expect(() => wallClockAt('Mars/Olympus_Mons', 0)).toThrow(RangeError);
  });
});

describe('wallClockInstant', () => {
  it('finds the instant luxon found for any wall time, gaps and repeated hours included', () => {
    fc.assert(
      fc.property(zoneAndInstant, fc.integer({ min: -90, max: 90 }), ([zone, at], shift) => {
        // A wall time near the instant's own (so near offset changes half the time), on a minute.
        const w = wallClockAt(zone, at + shift * MINUTE);
        const ours = wallClockInstant(zone, w.year, w.month, w.day, w.hour, w.minute);
        const theirs = luxonWallClockInstant(zone, w.year, w.month, w.day, w.hour, w.minute);
        expect(ours?.toISOString()).toBe(theirs?.toISOString());
      }),
      { numRuns: 1000 },
    );
  });

  it('has no instant for a time the spring jump skips, in every shape of jump', () => {
    expect(wallClockInstant('Europe/London', 2027, 3, 28, 1, 30)).toBeUndefined();
    expect(wallClockInstant('America/New_York', 2027, 3, 14, 2, 30)).toBeUndefined();
    expect(wallClockInstant('Australia/Lord_Howe', 2027, 10, 3, 2, 15)).toBeUndefined();
    expect(wallClockInstant('Australia/Lord_Howe', 2027, 10, 3, 2, 30)?.toISOString()).toBe('2027-10-02T15:30:00.000Z');
    expect(wallClockInstant('Antarctica/Troll', 2027, 3, 28, 1, 59)).toBeUndefined();
    expect(wallClockInstant('America/Santiago', 2026, 9, 6, 0, 30)).toBeUndefined();
  });

  it('takes the first of the two instants of a repeated wall time', () => {
    expect(wallClockInstant('Europe/London', 2027, 10, 31, 1, 30)?.toISOString()).toBe('2027-10-31T00:30:00.000Z');
    expect(wallClockInstant('America/New_York', 2027, 11, 7, 1, 30)?.toISOString()).toBe('2027-11-07T05:30:00.000Z');
    // Troll falls back two hours: 01:30 happens at 23:30Z (+02) and at 01:30Z (+00).
    expect(wallClockInstant('Antarctica/Troll', 2027, 10, 31, 1, 30)?.toISOString()).toBe('2027-10-30T23:30:00.000Z');
    // Lord Howe falls back half an hour: 01:45 happens at +11 and again at +10:30.
    expect(wallClockInstant('Australia/Lord_Howe', 2027, 4, 4, 1, 45)?.toISOString()).toBe('2027-04-03T14:45:00.000Z');
  });

  it('has no instant for a date the calendar does not have', () => {
    expect(wallClockInstant('UTC', 2027, 2, 29, 12, 0)).toBeUndefined();
    expect(wallClockInstant('UTC', 2027, 4, 31, 12, 0)).toBeUndefined();
    expect(wallClockInstant('UTC', 2028, 2, 29, 12, 0)?.toISOString()).toBe('2028-02-29T12:00:00.000Z');
  });
});

describe('wallClockReadings', () => {
  it('has no reading in the spring gap, two in the repeated autumn hour, one otherwise', () => {
    expect(wallClockReadings('America/New_York', 2027, 3, 14, 2, 30)).toEqual([]);
    expect(wallClockReadings('America/New_York', 2027, 11, 7, 1, 30).map((t) => new Date(t).toISOString())).toEqual([
      '2027-11-07T05:30:00.000Z',
      '2027-11-07T06:30:00.000Z',
    ]);
    expect(wallClockReadings('Europe/Berlin', 2027, 3, 10, 2, 30).map((t) => new Date(t).toISOString())).toEqual([
      '2027-03-10T01:30:00.000Z',
    ]);
    // Santiago skips 00:00–00:59 in September: a gap at midnight.
    expect(wallClockReadings('America/Santiago', 2027, 9, 5, 0, 30)).toEqual([]);
  });
});

describe('isIanaTimezone', () => {
  it('accepts canonical IANA names and refuses offsets and other letter cases', () => {
    expect(['UTC', 'Europe/London', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5'].map(isIanaTimezone)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['europe/london', '+01:00', 'Mars/Olympus_Mons', ''].map(isIanaTimezone)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('patchCycleOf', () => {
  it('names the same cycle luxon did for any instant and zone', () => {
    fc.assert(
      fc.property(zoneAndInstant, ([zone, at]) => {
        const iso = new Date(at).toISOString();
        expect(patchCycleOf(iso, zone)).toBe(luxonPatchCycleOf(iso, zone));
      }),
      { numRuns: 1000 },
    );
  });

  it('reads a time with an offset, or none (as UTC), the way luxon did', () => {
    for (const at of [
      '2027-01-11T23:30:00+02:00',
      '2027-01-12T01:30:00.250+02:00',
      '2027-01-11T23:30:00',
      '2027-01-12',
    ]) {
      expect(patchCycleOf(at, 'Europe/London')).toBe(luxonPatchCycleOf(at, 'Europe/London'));
    }
  });

  it('throws naming the time when it is not ISO 8601', () => {
    expect(() => patchCycleOf('next tuesday', 'UTC')).toThrow(/invalid time "next tuesday"/);
  });
});
