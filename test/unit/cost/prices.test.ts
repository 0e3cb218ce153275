import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, pricesOverrideSchema, priceTable } from '../../../core/cost/prices.js';

describe('priceTable: the catalog’s prices over the shipped table', () => {
  it('is the shipped table when the catalog sets no prices', () => {
    expect(priceTable(undefined)).toEqual(DEFAULT_PRICES);
  });

  it('replaces the figures the catalog sets and keeps the others', () => {
    const prices = priceTable({ snapshotGbMonth: 0.06, dashboardMonth: 0, asOf: '2027-01-01' });
    expect(prices).toEqual({ ...DEFAULT_PRICES, snapshotGbMonth: 0.06, dashboardMonth: 0, asOf: '2027-01-01' });
  });

  it('keeps the shipped figure where the catalog leaves a key undefined', () => {
    const prices = priceTable({ asOf: undefined, crossRegionGb: undefined, ecrGbMonth: 0.2 });
    expect(prices.asOf).toBe(DEFAULT_PRICES.asOf);
    expect(prices.crossRegionGb).toBe(0.02);
    expect(prices.ecrGbMonth).toBe(0.2);
  });

  it('merges instance prices and snapshot sizes entry by entry', () => {
    const prices = priceTable({ instanceHour: { 'g5.xlarge': 1.006 }, snapshotGb: { Windows: 50 } });
    expect(prices.instanceHour).toEqual({ ...DEFAULT_PRICES.instanceHour, 'g5.xlarge': 1.006 });
    expect(prices.snapshotGb).toEqual({ Linux: 8, Windows: 50 });
  });

  it('leaves the shipped table untouched', () => {
    priceTable({ instanceHour: { 'm7i.large': 9 }, snapshotGb: { Linux: 1 }, alarmMonth: 9 });
    expect(DEFAULT_PRICES.instanceHour['m7i.large']).toBe(0.1008);
    expect(DEFAULT_PRICES.snapshotGb.Linux).toBe(8);
    expect(DEFAULT_PRICES.alarmMonth).toBe(0.1);
  });
});

describe('pricesOverrideSchema: what the catalog may set', () => {
  it('takes any subset, and no prices at all', () => {
    expect(pricesOverrideSchema.parse(undefined)).toBeUndefined();
    expect(pricesOverrideSchema.parse({ instanceHour: { 'm7i.large': 0 } })).toEqual({
      instanceHour: { 'm7i.large': 0 },
    });
  });

  it('refuses negative prices, empty sizes and durations, and keys it does not know', () => {
    expect(pricesOverrideSchema.safeParse({ crossRegionGb: -0.01 }).success).toBe(false);
    expect(pricesOverrideSchema.safeParse({ instanceHour: { 'm7i.large': -1 } }).success).toBe(false);
    expect(pricesOverrideSchema.safeParse({ snapshotGb: { Linux: 0 } }).success).toBe(false);
    expect(pricesOverrideSchema.safeParse({ lambdaAssumedMs: 0 }).success).toBe(false);
    expect(pricesOverrideSchema.safeParse({ instanceHourFallbak: 0.2 }).success).toBe(false);
  });
});
