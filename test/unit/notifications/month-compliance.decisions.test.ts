import { describe, expect, it } from 'vitest';
import type { RecordLike } from '../../../core/fleet/compliance-summary.js';
import { complianceAtEnd, complianceLines, LAGGARDS_NAMED } from '../../../core/notifications/month-compliance.js';

/** March 2027: the summary's month. Its month before is February. */
const bounds = { start: Date.parse('2027-03-01T00:00:00Z'), end: Date.parse('2027-04-01T00:00:00Z') };
const END = '2027-04-01T00:00:00.000Z';
const JUST_BEFORE_END = '2027-03-31T23:59:59.999Z';

const record = (r: Partial<Record<keyof RecordLike, unknown>> = {}): RecordLike => ({
  cycle: '2027-03',
  image: 'base',
  channel: 'prod',
  ou: 'ou-a',
  version: '1.0.0/3',
  startedAt: '2027-03-09T00:00:00.000Z',
  pointerAt: '2027-03-10T00:00:00.000Z',
  reached90At: '2027-03-11T00:00:00.000Z',
  patched: 9,
  instances: 10,
  ...r,
});

describe('which cycles the monthly summary tells', () => {
  it('takes cycles started from the first instant of the month before up to the last instant of the month', () => {
    const cycles = (startedAt: string) =>
      complianceAtEnd([record({ startedAt, pointerAt: startedAt })], bounds).map((c) => c.cycle);
    expect(cycles('2027-02-01T00:00:00.000Z')).toEqual(['2027-03']);
    expect(cycles('2027-01-31T23:59:59.999Z')).toEqual([]);
    expect(cycles(JUST_BEFORE_END)).toEqual(['2027-03']);
    expect(cycles(END)).toEqual([]);
    // A cycle starting at the end is left out even when its pointer is already there.
    expect(complianceAtEnd([record({ startedAt: END, pointerAt: JUST_BEFORE_END })], bounds)).toEqual([]);
  });

  it('reads the month before across a year boundary (January looks back to December)', () => {
    const january = { start: Date.parse('2027-01-01T00:00:00Z'), end: Date.parse('2027-02-01T00:00:00Z') };
    const at = (startedAt: string) => complianceAtEnd([record({ startedAt, pointerAt: startedAt })], january).length;
    expect(at('2026-12-01T00:00:00.000Z')).toBe(1);
    expect(at('2026-11-30T23:59:59.999Z')).toBe(0);
  });

  it('leaves out a cycle whose start or pointer is missing or not a time', () => {
    expect(complianceAtEnd([record({ startedAt: undefined })], bounds)).toEqual([]);
    expect(complianceAtEnd([record({ pointerAt: undefined })], bounds)).toEqual([]);
    expect(complianceAtEnd([record({ pointerAt: 'soon' })], bounds)).toEqual([]);
  });

  it('leaves out a cycle whose pointer moved only at or after the month’s end', () => {
    expect(complianceAtEnd([record({ pointerAt: END })], bounds)).toEqual([]);
    expect(complianceAtEnd([record({ pointerAt: JUST_BEFORE_END })], bounds)).toHaveLength(1);
  });
});

describe('thresholds as of the month’s end', () => {
  it('counts a threshold first seen at or after the end as not reached, and one just before as reached', () => {
    const [late] = complianceAtEnd([record({ reached90At: END })], bounds);
    expect(late?.medianHoursTo90).toBeNull();
    expect(late?.laggards).toEqual(['ou-a']);
    const [inTime] = complianceAtEnd([record({ reached90At: JUST_BEFORE_END })], bounds);
    expect(inTime?.laggards).toEqual([]);
    expect(inTime?.worstHoursTo90).toBeGreaterThan(0);
  });

  it('ignores a threshold that is not a text', () => {
    const [row] = complianceAtEnd([record({ reached90At: Date.parse('2027-03-11T00:00:00Z') })], bounds);
    expect(row?.laggards).toEqual(['ou-a']);
  });

  it('gives the row’s figures: pointer hours, the median and worst OU to 90 %, the OU count', () => {
    const rows = complianceAtEnd(
      [
        record({ ou: 'ou-a', reached90At: '2027-03-10T12:00:00.000Z' }),
        record({ ou: 'ou-b', reached90At: '2027-03-12T00:00:00.000Z' }),
        record({ ou: 'ou-c', reached90At: '2027-03-13T00:00:00.000Z' }),
      ],
      bounds,
    );
    expect(rows).toEqual([
      {
        image: 'base',
        channel: 'prod',
        cycle: '2027-03',
        version: '1.0.0/3',
        pointerHours: 24,
        medianHoursTo90: 72,
        worstHoursTo90: 96,
        ous: 3,
        laggards: [],
      },
    ]);
  });

  it(`names at most ${LAGGARDS_NAMED} laggard OUs and counts every OU`, () => {
    expect(LAGGARDS_NAMED).toBe(10);
    const ous = Array.from({ length: 12 }, (_, i) => `ou-${String(i).padStart(2, '0')}`);
    const [row] = complianceAtEnd(
      ous.map((ou) => record({ ou, reached90At: undefined })),
      bounds,
    );
    expect(row?.ous).toBe(12);
    expect(row?.laggards).toEqual(ous.slice(0, 10));
  });
});

describe('the compliance lines', () => {
  const row = {
    image: 'base',
    channel: 'prod',
    cycle: '2027-03',
    version: '1.0.0/3',
    pointerHours: 24,
    medianHoursTo90: 30,
    worstHoursTo90: null,
    ous: 3,
    laggards: [] as string[],
  };

  it('says the pointer and the OUs’ times, with no laggard part when every OU is there', () => {
    expect(complianceLines([row])).toEqual([
      'base/prod 2027-03 (1.0.0/3): pointer moved after 24 h; 90 % of instances: median OU 30 h, worst not yet',
    ]);
  });

  it('names the laggards after "not yet:", separated by commas', () => {
    expect(complianceLines([{ ...row, laggards: ['ou-b', 'ou-c'] }])).toEqual([
      'base/prod 2027-03 (1.0.0/3): pointer moved after 24 h; 90 % of instances: median OU 30 h, worst not yet; not yet: ou-b, ou-c',
    ]);
  });
});
