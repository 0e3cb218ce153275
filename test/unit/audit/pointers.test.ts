import { describe, expect, it } from 'vitest';
import {
  driftMayBeOpen,
  expectedPointers,
  moveRecordOf,
  POINTER_SETTLE_MS,
  pointerDriftSk,
  pointerDrifts,
  readingKey,
} from '../../../core/audit/pointers.js';

const NOW = new Date('2027-01-04T00:00:00Z');
const prod = {
  image: 'base',
  channel: 'prod',
  version: '1.0.0/3',
  amis: [
    { region: 'us-east-1', imageId: 'ami-0000000000000003a' },
    { region: 'eu-west-1', imageId: 'ami-0000000000000003b' },
  ],
  at: '2027-01-03T03:52:00Z',
};
const expected = expectedPointers([prod]);
const held = (entries: [string, string, number][]) =>
  new Map(entries.map(([region, value, version]) => [readingKey(region, '/goldsmith/base/prod'), { value, version }]));
const options = { now: NOW, movedAt: new Map([['base/prod', prod.at]]) };

describe('pointerDrifts', () => {
  it('finds nothing when every Region holds the AMI the ledger names', () => {
    const readings = held([
      ['us-east-1', 'ami-0000000000000003a', 2],
      ['eu-west-1', 'ami-0000000000000003b', 2],
    ]);
    expect(pointerDrifts(expected, readings, options)).toEqual([]);
  });

  it('finds a Region whose parameter was overwritten, with what it holds, and one whose parameter is gone', () => {
    const readings = held([['us-east-1', 'ami-0000000000000002a', 3]]);
    const drifts = pointerDrifts(expected, readings, options);
    expect(drifts.map((d) => [d.region, d.value, d.found])).toEqual([
      ['us-east-1', 'ami-0000000000000003a', { value: 'ami-0000000000000002a', version: 3 }],
      ['eu-west-1', 'ami-0000000000000003b', undefined],
    ]);
    expect(drifts.map((d) => pointerDriftSk(d, NOW))).toEqual([
      'DRIFT#pointer#prod#us-east-1#v3@2027-01-04',
      'DRIFT#pointer#prod#eu-west-1#absent@2027-01-04',
    ]);
  });

  it('leaves a pointer the ledger moved within the settle time to the step still writing it', () => {
    const readings = held([['us-east-1', 'ami-0000000000000002a', 3]]);
    const justMoved = new Date(NOW.getTime() - POINTER_SETTLE_MS + 60_000).toISOString();
    expect(pointerDrifts(expected, readings, { now: NOW, movedAt: new Map([['base/prod', justMoved]]) })).toEqual([]);
  });

  it('audits no container channel (no AMIs recorded)', () => {
    expect(expectedPointers([{ ...prod, amis: [] }])).toEqual([]);
  });
});

describe("what the ledger's item says of its move's record (moveRecordOf)", () => {
  const movedAgo = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

  it('is recorded once Publish stamped it, however long ago it moved', () => {
    expect(moveRecordOf({ at: movedAgo(1_000), moveRecorded: true }, NOW)).toBe('recorded');
    expect(moveRecordOf({ at: movedAgo(30 * 86_400_000), moveRecorded: true }, NOW)).toBe('recorded');
  });

  it('leaves a Publish move not recorded yet to Publish within the settle time, and reads its record after', () => {
    expect(moveRecordOf({ at: movedAgo(2_000), moveRecorded: false }, NOW)).toBe('in-flight');
    expect(moveRecordOf({ at: movedAgo(POINTER_SETTLE_MS - 1), moveRecorded: false }, NOW)).toBe('in-flight');
    expect(moveRecordOf({ at: movedAgo(POINTER_SETTLE_MS), moveRecorded: false }, NOW)).toBe('unknown');
  });

  it('cannot say for an item moved otherwise (a rollback, an earlier release), however recent', () => {
    expect(moveRecordOf({ at: movedAgo(2_000) }, NOW)).toBe('unknown');
    expect(moveRecordOf({ at: 'not a time', moveRecorded: false }, NOW)).toBe('unknown');
  });

  it('says a drift may be open in the Regions a stamped item names, and anywhere on an item not stamped', () => {
    expect(driftMayBeOpen({ moveRecorded: true, driftRegions: ['eu-west-1'] }, 'eu-west-1')).toBe(true);
    expect(driftMayBeOpen({ moveRecorded: true, driftRegions: ['eu-west-1'] }, 'us-east-1')).toBe(false);
    expect(driftMayBeOpen({ moveRecorded: true }, 'us-east-1')).toBe(false);
    expect(driftMayBeOpen({ moveRecorded: false, driftRegions: [] }, 'us-east-1')).toBe(true);
    expect(driftMayBeOpen({}, 'us-east-1')).toBe(true);
  });
});
