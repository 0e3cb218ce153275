import { describe, expect, it } from 'vitest';
import { instanceSecondsOf, ledgerBuildCost } from '../../../core/cost/build-record.js';
import { DEFAULT_PRICES } from '../../../core/cost/prices.js';
import { catalog } from '../../handlers/promotion-fixtures.js';

const base = catalog.images.base;
if (!base) throw new Error('the example catalog has a base image');

describe('instanceSecondsOf', () => {
  it('counts from the first BUILDING to the first status after the instances', () => {
    expect(
      instanceSecondsOf({
        requestedAt: '2027-01-14T03:00:00Z',
        buildingAt: '2027-01-14T03:10:00Z',
        instancesStoppedAt: '2027-01-14T04:10:00Z',
        finishedAt: '2027-01-14T05:00:00Z',
      }),
    ).toBe(3600);
  });

  it('falls back to request → finish when the status events were missed (an upper bound)', () => {
    expect(instanceSecondsOf({ requestedAt: '2027-01-14T03:00:00Z', finishedAt: '2027-01-14T05:00:00Z' })).toBe(7200);
    expect(instanceSecondsOf({ finishedAt: '2027-01-14T05:00:00Z' })).toBe(0);
  });
});

describe('ledgerBuildCost', () => {
  const times = {
    requestedAt: '2027-01-14T03:00:00Z',
    buildingAt: '2027-01-14T03:00:00Z',
    instancesStoppedAt: '2027-01-14T04:00:00Z',
    finishedAt: '2027-01-14T04:30:00Z',
  };

  it('prices an AVAILABLE build: an hour of m7i.large, two copies, storage in three regions', () => {
    const cost = ledgerBuildCost(
      { image: 'base', version: '1.0.0/1', spec: base, status: 'AVAILABLE', times },
      DEFAULT_PRICES,
    );
    expect(cost).toEqual({
      currency: 'USD',
      instanceSeconds: 3600,
      instance: 0.1008,
      copy: 0.32,
      storagePerMonth: 1.2,
      total: 0.4208,
      pricesAsOf: DEFAULT_PRICES.asOf,
      finishedAt: '2027-01-14T04:30:00Z',
    });
  });

  it('charges a failed build its instance time only: nothing was copied or kept', () => {
    const cost = ledgerBuildCost(
      { image: 'base', version: '1.0.0/2', spec: base, status: 'FAILED', times },
      DEFAULT_PRICES,
    );
    expect(cost).toMatchObject({ instance: 0.1008, copy: 0, storagePerMonth: 0, total: 0.1008 });
  });
});
