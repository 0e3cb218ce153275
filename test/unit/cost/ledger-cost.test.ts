import { describe, expect, it } from 'vitest';
import { imageCostIn, keptBuilds, monthsBetween, storagePerMonthAt } from '../../../core/cost/ledger-cost.js';
import { monthBounds } from '../../../core/notifications/monthly-summary.js';

const build = (version: string, finishedAt: string, extra: Record<string, unknown> = {}) => ({
  pk: 'IMAGE#base',
  sk: `BUILD#${version}`,
  status: 'AVAILABLE',
  requestedAt: finishedAt,
  updatedAt: finishedAt,
  cost: { total: 0.5, storagePerMonth: 3, finishedAt },
  ...extra,
});

const input = (items: Record<string, unknown>[]) => ({ items, regions: 2, channels: ['dev'], parameterMonth: 0.05 });
const T = (iso: string) => Date.parse(iso);

describe('the cost the ledger records', () => {
  it('counts storage from AVAILABLE until the lifecycle deleted the outputs, as a share of each month', () => {
    const items = [build('1.0.0/1', '2027-03-01T00:00:00Z', { deletedAt: '2027-03-16T12:00:00Z' })];
    // 15.5 of March's 31 days.
    expect(imageCostIn(input(items), monthBounds('2027-03')).storage).toBeCloseTo(1.5, 6);
    expect(imageCostIn(input(items), monthBounds('2027-04')).storage).toBe(0);
  });

  it('takes a DELETED status as the end when no deletedAt was recorded', () => {
    const items = [build('1.0.0/1', '2027-03-01T00:00:00Z', { status: 'DELETED', updatedAt: '2027-03-11T00:00:00Z' })];
    expect(imageCostIn(input(items), monthBounds('2027-03')).storage).toBeCloseTo((3 * 10) / 31, 6);
  });

  it('charges a build in the month it was requested, and nothing stored for a failed one', () => {
    const failed = {
      ...build('1.0.0/2', '2027-03-31T23:00:00Z'),
      requestedAt: '2027-03-31T22:00:00Z',
      status: 'FAILED',
      cost: { total: 0.2, storagePerMonth: 0, finishedAt: '2027-04-01T01:00:00Z' },
    };
    expect(imageCostIn(input([failed]), monthBounds('2027-03'))).toEqual({ builds: 0.2, storage: 0, pointers: 0 });
    expect(imageCostIn(input([failed]), monthBounds('2027-04')).builds).toBe(0);
  });

  it("counts each channel's pointers from its first promotion, per Region", () => {
    const items = [
      {
        pk: 'IMAGE#base',
        sk: 'PROMOTION#1.0.0/1#dev',
        channel: 'dev',
        outcome: 'promoted',
        at: '2027-03-17T00:00:00Z',
      },
      {
        pk: 'IMAGE#base',
        sk: 'PROMOTION#1.0.0/2#dev',
        channel: 'dev',
        outcome: 'rejected',
        at: '2027-03-01T00:00:00Z',
      },
    ];
    // 15 of 31 days × 2 Regions × 0.05.
    expect(imageCostIn(input(items), monthBounds('2027-03')).pointers).toBeCloseTo((15 / 31) * 0.1, 6);
  });

  it('counts a month only up to asOf, and the same whenever a finished month is asked', () => {
    const items = [build('1.0.0/1', '2027-03-01T00:00:00Z')];
    expect(imageCostIn(input(items), monthBounds('2027-03'), T('2027-03-16T12:00:00Z')).storage).toBeCloseTo(1.5, 6);
    expect(imageCostIn(input(items), monthBounds('2027-03'), T('2027-09-01T00:00:00Z')).storage).toBe(3);
  });

  it('says what the kept outputs cost per month at a given time', () => {
    const items = [
      build('1.0.0/1', '2027-03-01T00:00:00Z', { deletedAt: '2027-04-01T00:00:00Z' }),
      build('1.0.0/2', '2027-03-20T00:00:00Z'),
    ];
    expect(storagePerMonthAt(items, T('2027-03-10T00:00:00Z'))).toBe(3);
    expect(storagePerMonthAt(items, T('2027-03-25T00:00:00Z'))).toBe(6);
    expect(storagePerMonthAt(items, T('2027-04-02T00:00:00Z'))).toBe(3);
    expect(keptBuilds([{ sk: 'BUILD#x', status: 'AVAILABLE' }])).toEqual([]);
  });

  it('lists the calendar months a period touches', () => {
    expect(monthsBetween(T('2027-11-15T00:00:00Z'), T('2028-02-01T00:00:00Z'))).toEqual([
      '2027-11',
      '2027-12',
      '2028-01',
    ]);
  });
});
