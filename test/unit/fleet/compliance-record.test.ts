import { describe, expect, it } from 'vitest';
import {
  type ComplianceRecord,
  complianceUpdates,
  hoursSince,
  isOpen,
  OPEN_CYCLE_DAYS,
  recordKey,
} from '../../../core/fleet/compliance-record.js';

const cycle = {
  cycle: '2027-01',
  kind: 'out-of-cycle' as const,
  startedAt: '2027-01-12T00:00:00.000Z',
  channel: 'prod',
  version: '1.0.0/2',
  pointerAt: '2027-01-18T05:00:00Z',
};
const share = (ou: string, patched: number, instances: number) => ({ ou, patched, instances, lagging: [] });
const update = (
  shares: ReturnType<typeof share>[],
  sampledAt: string,
  recorded: ReadonlyMap<string, Partial<ComplianceRecord>> = new Map(),
) => complianceUpdates({ image: 'base', cycle, shares, sampledAt, recorded });

describe('recordKey', () => {
  it('names a record by cycle, image, channel and OU', () => {
    expect(recordKey({ cycle: '2027-01', image: 'base', channel: 'prod', ou: 'ou-a' })).toBe('2027-01#base#prod#ou-a');
  });
});

describe('isOpen', () => {
  it('measures a cycle for 120 days from its start, the last instant included', () => {
    expect(OPEN_CYCLE_DAYS).toBe(120);
    const start = { startedAt: '2027-01-12T00:00:00.000Z' };
    expect(isOpen(start, '2027-01-12T00:00:00.000Z')).toBe(true);
    expect(isOpen(start, '2027-05-12T00:00:00.000Z')).toBe(true);
    expect(isOpen(start, '2027-05-12T00:00:00.001Z')).toBe(false);
    expect(isOpen(start, '2027-07-01T00:00:00.000Z')).toBe(false);
  });
});

describe('hoursSince', () => {
  it('counts hours from the start to a tenth, rounding to the nearest', () => {
    expect(hoursSince('2027-01-12T00:00:00.000Z', '2027-01-12T01:30:00.000Z')).toBe(1.5);
    expect(hoursSince('2027-01-12T00:00:00.000Z', '2027-01-12T00:02:59.000Z')).toBe(0);
    expect(hoursSince('2027-01-12T00:00:00.000Z', '2027-01-12T00:03:00.000Z')).toBe(0.1);
    expect(hoursSince('2027-01-12T00:00:00.000Z', '2027-01-13T00:00:00.000Z')).toBe(24);
  });
});

describe('complianceUpdates', () => {
  it('writes the whole record of an OU seen for the first time, with only the thresholds it has crossed', () => {
    const [w, ...rest] = update([share('ou-a', 9, 10)], '2027-01-19T00:00:00Z');
    expect(rest).toEqual([]);
    expect(w).toStrictEqual({
      cycle: '2027-01',
      cycleKind: 'out-of-cycle',
      image: 'base',
      channel: 'prod',
      ou: 'ou-a',
      startedAt: '2027-01-12T00:00:00.000Z',
      version: '1.0.0/2',
      pointerAt: '2027-01-18T05:00:00Z',
      reached50At: '2027-01-19T00:00:00Z',
      reached90At: '2027-01-19T00:00:00Z',
      patched: 9,
      instances: 10,
      sampledAt: '2027-01-19T00:00:00Z',
    });
    const [none] = update([share('ou-b', 0, 3)], '2027-01-19T00:00:00Z');
    expect(none && Object.keys(none).filter((k) => k.startsWith('reached'))).toEqual([]);
  });

  it('takes a sample at the very instant the pointer moved', () => {
    expect(update([share('ou-a', 1, 2)], cycle.pointerAt)).toHaveLength(1);
  });

  it('keeps the time a threshold was first crossed when a later one is crossed, and the new count', () => {
    const [first] = update([share('ou-a', 1, 2)], '2027-01-19T00:00:00Z');
    const recorded = new Map(first ? [[recordKey(first), first]] : []);
    const [later] = update([share('ou-a', 19, 20)], '2027-01-22T00:00:00Z', recorded);
    expect(later).toMatchObject({
      reached50At: '2027-01-19T00:00:00Z',
      reached90At: '2027-01-22T00:00:00Z',
      patched: 19,
      instances: 20,
      sampledAt: '2027-01-22T00:00:00Z',
    });
    expect(later?.reached100At).toBeUndefined();
  });

  it('writes nothing more for an OU already at 100 %, nor for one whose share dipped below what it reached', () => {
    const [full] = update([share('ou-a', 4, 4)], '2027-01-19T00:00:00Z');
    const recorded = new Map(full ? [[recordKey(full), full]] : []);
    expect(update([share('ou-a', 5, 5)], '2027-01-20T00:00:00Z', recorded)).toEqual([]);
    expect(update([share('ou-a', 1, 5)], '2027-01-21T00:00:00Z', recorded)).toEqual([]);
  });

  it("reads the recorded OU of this cycle, image and channel only: another channel's record is someone else's", () => {
    const [prodA] = update([share('ou-a', 4, 4)], '2027-01-19T00:00:00Z');
    const elsewhere = new Map(prodA ? [[recordKey({ ...prodA, channel: 'dev' }), prodA]] : []);
    const [w] = update([share('ou-a', 4, 4)], '2027-01-20T00:00:00Z', elsewhere);
    expect(w?.reached100At).toBe('2027-01-20T00:00:00Z');
  });

  it('writes one record per OU that needs one, in the order of the shares', () => {
    const [a] = update([share('ou-a', 1, 1)], '2027-01-19T00:00:00Z');
    const recorded = new Map(a ? [[recordKey(a), a]] : []);
    const writes = update(
      [share('ou-c', 0, 2), share('ou-a', 1, 1), share('ou-b', 2, 2)],
      '2027-01-20T00:00:00Z',
      recorded,
    );
    expect(writes.map((w) => w.ou)).toEqual(['ou-c', 'ou-b']);
  });
});
