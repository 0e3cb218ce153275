import { describe, expect, it } from 'vitest';
import {
  channelCompliance,
  formatHours,
  medianNotYetLast,
  type RecordLike,
} from '../../../core/fleet/compliance-summary.js';

const START = '2027-01-12T00:00:00.000Z';
const at = (hours: number) => new Date(Date.parse(START) + hours * 3_600_000).toISOString();

const record = (ou: string, fields: Partial<RecordLike> = {}): RecordLike => ({
  cycle: '2027-01',
  image: 'base',
  channel: 'prod',
  ou,
  startedAt: START,
  pointerAt: at(30),
  version: '1.0.0/2',
  patched: 0,
  instances: 4,
  ...fields,
});

describe('medianNotYetLast', () => {
  it('is null for no OUs', () => {
    expect(medianNotYetLast([])).toBeNull();
  });

  it('takes the middle value of an odd list, whatever the order', () => {
    expect(medianNotYetLast([30, 10, 20])).toBe(20);
    expect(medianNotYetLast([10, 30, 20])).toBe(20);
  });

  it('takes the lower of the two middle values of an even list', () => {
    expect(medianNotYetLast([40, 10, 30, 20])).toBe(20);
    expect(medianNotYetLast([7])).toBe(7);
  });

  it('counts "not yet" as slower than any time, wherever it stands in the list', () => {
    expect(medianNotYetLast([null, 5, 1])).toBe(5);
    expect(medianNotYetLast([5, null, 1])).toBe(5);
    expect(medianNotYetLast([5, 1, null])).toBe(5);
    expect(medianNotYetLast([null, 2])).toBe(2);
    expect(medianNotYetLast([2, null])).toBe(2);
    expect(medianNotYetLast([null, 30, null])).toBeNull();
    expect(medianNotYetLast([30, null, null])).toBeNull();
    expect(medianNotYetLast([null, null, 30])).toBeNull();
  });

  it('is a time of zero when the middle OU got there at once', () => {
    expect(medianNotYetLast([0, 0, 5])).toBe(0);
  });

  it('leaves the list it is given as it was', () => {
    const values = Object.freeze([30, null, 10]);
    expect(medianNotYetLast(values)).toBe(30);
    expect(values).toEqual([30, null, 10]);
  });
});

describe('channelCompliance', () => {
  it("reports a channel's pointer time and each OU's hours to 50, 90 and 100 %, OUs by name", () => {
    const [c, ...rest] = channelCompliance([
      record('ou-b', { reached50At: at(40), patched: 1, instances: 2 }),
      record('ou-a', { reached50At: at(36), reached90At: at(48.5), reached100At: at(72), patched: 3, instances: 3 }),
    ]);
    expect(rest).toEqual([]);
    expect(c).toEqual({
      cycle: '2027-01',
      image: 'base',
      channel: 'prod',
      version: '1.0.0/2',
      startedAt: START,
      pointerHours: 30,
      medianHoursTo90: 48.5,
      worstHoursTo90: null,
      laggards: ['ou-b'],
      ous: [
        { ou: 'ou-a', hoursTo50: 36, hoursTo90: 48.5, hoursTo100: 72, patched: 3, instances: 3 },
        { ou: 'ou-b', hoursTo50: 40, hoursTo90: null, hoursTo100: null, patched: 1, instances: 2 },
      ],
    });
  });

  it('gives the slowest OU as the worst time once every OU is at 90 %', () => {
    const [c] = channelCompliance([
      record('ou-a', { reached90At: at(50) }),
      record('ou-b', { reached90At: at(90) }),
      record('ou-c', { reached90At: at(20) }),
    ]);
    expect(c?.worstHoursTo90).toBe(90);
    expect(c?.medianHoursTo90).toBe(50);
    expect(c?.laggards).toEqual([]);
  });

  it('has no median while half the OUs or more are not at 90 %', () => {
    const [c] = channelCompliance([record('ou-a', { reached90At: at(50) }), record('ou-b'), record('ou-c')]);
    expect(c?.medianHoursTo90).toBeNull();
    expect(c?.worstHoursTo90).toBeNull();
  });

  it('lists the laggards with the smallest patched share first, OUs with no instance counted as none patched', () => {
    const [c] = channelCompliance([
      record('ou-a', { patched: 3, instances: 4 }),
      record('ou-b', { patched: 1, instances: 4 }),
      record('ou-c', { patched: 0, instances: 0 }),
      record('ou-d', { reached90At: at(10), patched: 0, instances: 0 }),
      record('ou-e', { patched: 2, instances: 4 }),
    ]);
    expect(c?.laggards).toEqual(['ou-c', 'ou-b', 'ou-e', 'ou-a']);
  });

  it('lists laggards of the same share by name', () => {
    const [c] = channelCompliance([
      record('ou-c', { patched: 1, instances: 2 }),
      record('ou-a', { patched: 2, instances: 4 }),
      record('ou-b', { patched: 0, instances: 2 }),
    ]);
    expect(c?.laggards).toEqual(['ou-b', 'ou-a', 'ou-c']);
  });

  it('reports each cycle, image and channel apart, by start, then image, then channel', () => {
    const feb = '2027-02-09T00:00:00.000Z';
    const out = channelCompliance([
      record('ou-a', { cycle: '2027-02', startedAt: feb, pointerAt: '2027-02-10T00:00:00.000Z' }),
      record('ou-a', { channel: 'staging' }),
      record('ou-a', { image: 'web' }),
      record('ou-a', { channel: 'dev' }),
      record('ou-b', { channel: 'dev' }),
      record('ou-a', { image: 'api' }),
      record('ou-a', { channel: 'prod' }),
    ]);
    expect(out.map((c) => [c.cycle, c.image, c.channel, c.ous.length])).toEqual([
      ['2027-01', 'api', 'prod', 1],
      ['2027-01', 'base', 'dev', 2],
      ['2027-01', 'base', 'prod', 1],
      ['2027-01', 'base', 'staging', 1],
      ['2027-01', 'web', 'prod', 1],
      ['2027-02', 'base', 'prod', 1],
    ]);
    expect(out[5]?.pointerHours).toBe(24);
  });

  it('reads a partial ledger item: missing or mistyped fields as empty text, counts as numbers or zero', () => {
    const [c] = channelCompliance([
      {
        ou: 7,
        cycle: '2027-01',
        startedAt: START,
        pointerAt: at(2),
        reached50At: 12,
        patched: '3',
        instances: 'many',
      },
    ]);
    expect(c).toMatchObject({ image: '', channel: '', version: '', pointerHours: 2 });
    expect(c?.ous).toEqual([{ ou: '', hoursTo50: null, hoursTo90: null, hoursTo100: null, patched: 3, instances: 0 }]);
    const [missing] = channelCompliance([{ cycle: '2027-01', startedAt: START, pointerAt: at(1) }]);
    expect(missing?.ous[0]).toMatchObject({ patched: 0, instances: 0 });
    const [nulls] = channelCompliance([record('ou-a', { patched: null, instances: 5 })]);
    expect(nulls?.ous[0]).toMatchObject({ patched: 0, instances: 5 });
  });

  it('is empty for no records', () => {
    expect(channelCompliance([])).toEqual([]);
  });
});

describe('formatHours', () => {
  it('says "not yet", hours under three days, and days to a tenth from three days on', () => {
    expect(formatHours(null)).toBe('not yet');
    expect(formatHours(0)).toBe('0 h');
    expect(formatHours(36)).toBe('36 h');
    expect(formatHours(71.9)).toBe('71.9 h');
    expect(formatHours(72)).toBe('3 d');
    expect(formatHours(108)).toBe('4.5 d');
    expect(formatHours(100)).toBe('4.2 d');
  });
});
