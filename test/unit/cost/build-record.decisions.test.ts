import { describe, expect, it } from 'vitest';
import { instanceSecondsOf, ledgerBuildCost } from '../../../core/cost/build-record.js';
import { DEFAULT_PRICES, priceTable } from '../../../core/cost/prices.js';
import { catalog } from '../../handlers/promotion-fixtures.js';

const base = catalog.images.base;
if (!base) throw new Error('the example catalog has a base image');

describe('instanceSecondsOf: which times bound the instances', () => {
  it('stops at the finish when the status after the instances was missed', () => {
    expect(instanceSecondsOf({ buildingAt: '2027-01-14T03:00:00Z', finishedAt: '2027-01-14T03:30:00Z' })).toBe(1800);
  });

  it('starts at the first BUILDING, not the request, when both are known', () => {
    expect(
      instanceSecondsOf({
        requestedAt: '2027-01-14T02:00:00Z',
        buildingAt: '2027-01-14T03:00:00Z',
        finishedAt: '2027-01-14T03:00:45Z',
      }),
    ).toBe(45);
  });

  it('counts nothing when a time does not parse, at either end', () => {
    expect(instanceSecondsOf({ buildingAt: 'soon', finishedAt: '2027-01-14T03:00:00Z' })).toBe(0);
    expect(instanceSecondsOf({ buildingAt: '2027-01-14T03:00:00Z', finishedAt: 'later' })).toBe(0);
    expect(
      instanceSecondsOf({
        buildingAt: '2027-01-14T03:00:00Z',
        instancesStoppedAt: 'later',
        finishedAt: '2027-01-14T04:00:00Z',
      }),
    ).toBe(0);
  });

  it('counts nothing for times out of order, never a negative charge', () => {
    expect(
      instanceSecondsOf({
        buildingAt: '2027-01-14T04:00:00Z',
        instancesStoppedAt: '2027-01-14T03:00:00Z',
        finishedAt: '2027-01-14T05:00:00Z',
      }),
    ).toBe(0);
  });
});

describe('ledgerBuildCost: the spec’s kind, platform and instance type', () => {
  const times = {
    buildingAt: '2027-01-14T03:00:00Z',
    instancesStoppedAt: '2027-01-14T04:00:00Z',
    finishedAt: '2027-01-14T04:30:00Z',
  };

  it('prices a container image by its assumed size and ECR storage', () => {
    const cost = ledgerBuildCost(
      { image: 'app', version: '1.0.0/1', spec: { ...base, kind: 'container' }, status: 'AVAILABLE', times },
      DEFAULT_PRICES,
    );
    expect(cost).toMatchObject({ instance: 0.1008, copy: 0.012, storagePerMonth: 0.09, total: 0.1128 });
  });

  it('prices a Windows AMI by its larger snapshot', () => {
    const cost = ledgerBuildCost(
      { image: 'win', version: '1.0.0/1', spec: { ...base, platform: 'Windows' }, status: 'AVAILABLE', times },
      DEFAULT_PRICES,
    );
    expect(cost).toMatchObject({ copy: 1.2, storagePerMonth: 4.5 });
  });

  it('prices the first of the spec’s instance types', () => {
    const cost = ledgerBuildCost(
      {
        image: 'base',
        version: '1.0.0/1',
        spec: { ...base, instanceTypes: ['t3.medium', 'm7i.large'] },
        status: 'FAILED',
        times,
      },
      DEFAULT_PRICES,
    );
    expect(cost).toMatchObject({ instance: 0.0416, total: 0.0416 });
  });

  it('carries the table’s currency and date, and the finish the storage counts from', () => {
    const prices = priceTable({ asOf: '2027-01-01', instanceHour: { 'm7i.large': 2 } });
    const cost = ledgerBuildCost(
      { image: 'base', version: '1.0.0/1', spec: base, status: 'AVAILABLE', times },
      { ...prices, currency: 'EUR' },
    );
    expect(cost).toMatchObject({
      currency: 'EUR',
      instanceSeconds: 3600,
      instance: 2,
      pricesAsOf: '2027-01-01',
      finishedAt: '2027-01-14T04:30:00Z',
    });
  });
});
