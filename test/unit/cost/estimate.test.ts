import { describe, expect, it } from 'vitest';
import { estimateBuild, estimateRun } from '../../../core/cost/estimate.js';
import { DEFAULT_PRICES, priceTable } from '../../../core/cost/prices.js';
import { NO_USAGE } from './fixtures.js';

const amiBuild = {
  image: 'base',
  version: '1.0.0/1',
  kind: 'ami' as const,
  platform: 'Linux',
  instanceType: 'm7i.large',
  regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
  instanceSeconds: 3600,
  availableAt: '2027-01-01T00:00:00Z',
};

describe('estimateBuild', () => {
  it('prices instance time, one snapshot copy per extra region, and storage in every region', () => {
    expect(estimateBuild(amiBuild, DEFAULT_PRICES)).toEqual({
      instance: 0.1008,
      copy: 0.32, // 2 copies × 8 GB × 0.02
      storagePerMonth: 1.2, // 3 regions × 8 GB × 0.05
      total: 0.4208,
    });
  });

  it('charges a failed build its instance time only', () => {
    const cost = estimateBuild({ ...amiBuild, availableAt: undefined }, DEFAULT_PRICES);
    expect(cost).toMatchObject({ copy: 0, storagePerMonth: 0, total: 0.1008 });
  });

  it('uses the catalog override over the shipped price', () => {
    const prices = priceTable({ instanceHour: { 'm7i.large': 1 }, snapshotGbMonth: 0 });
    expect(estimateBuild(amiBuild, prices)).toMatchObject({ instance: 1, storagePerMonth: 0 });
    expect(prices.instanceHour['m7g.large']).toBe(DEFAULT_PRICES.instanceHour['m7g.large']);
  });
});

/** A build item as on-image-event writes it: 1.2 a month of storage from AVAILABLE, 0.42 for the build itself. */
function buildItem(version: string, requestedAt: string, finishedAt: string, deletedAt?: string) {
  return {
    pk: 'IMAGE#base',
    sk: `BUILD#${version}`,
    status: 'AVAILABLE',
    requestedAt,
    updatedAt: finishedAt,
    cost: { total: 0.42, storagePerMonth: 1.2, finishedAt },
    ...(deletedAt ? { deletedAt } : {}),
  };
}

const promoted = (channel: string, at: string) => ({
  pk: 'IMAGE#base',
  sk: `PROMOTION#1.0.0/1#${channel}`,
  channel,
  outcome: 'promoted',
  at,
});

describe('estimateRun', () => {
  const images = {
    base: {
      items: [
        buildItem('1.0.0/1', '2027-01-01T00:00:00Z', '2027-01-01T00:00:00Z', '2027-02-01T00:00:00Z'),
        buildItem('1.0.0/2', '2027-02-01T00:00:00Z', '2027-02-01T00:00:00Z'),
        promoted('dev', '2027-01-01T00:00:00Z'),
      ],
      regions: 3,
      channels: ['dev', 'prod'],
      parameterMonth: 0.05,
    },
  };

  it('counts storage for exactly the time each output existed, month by month, and divides per promotion', () => {
    const cost = estimateRun({
      images,
      orchestration: { ...NO_USAGE, sfnTransitions: 4000, alarms: 10 },
      promotions: 2,
      start: '2027-01-01T00:00:00Z',
      until: '2027-03-01T00:00:00Z',
      prices: DEFAULT_PRICES,
    });

    // January: the first build, its storage for the whole month, three pointers. February: the second build, its
    // storage for the whole month (the first was deleted on 1 February), the pointers again.
    expect(cost.perMonth).toEqual({ '2027-01': 1.77, '2027-02': 1.77 });
    expect(cost.storage).toBeCloseTo(2.4, 6);
    expect(cost.pointers).toBeCloseTo(0.3, 6);
    expect(cost.build).toBeCloseTo(0.84, 6);
    expect(cost.orchestrationParts.stepFunctions).toBe(0.1);
    expect(cost.orchestrationPerPromotionUsage).toBe(0.05);
    expect(cost.total).toBeCloseTo(cost.build + cost.storage + cost.pointers + cost.orchestration, 3);
    expect(cost.perImage.base).toBeCloseTo(0.84 + 2.4 + 0.3, 3);
  });

  it('counts a month the run ends inside only up to the end of the run', () => {
    const cost = estimateRun({
      images,
      orchestration: NO_USAGE,
      promotions: 0,
      start: '2027-01-01T00:00:00Z',
      until: '2027-02-15T00:00:00Z',
      prices: DEFAULT_PRICES,
    });
    // Half of February (14 of 28 days) of storage and pointers: 0.42 + 0.6 + 0.075, to the cent.
    expect(cost.perMonth['2027-02']).toBe(1.1);
    expect(cost.orchestrationPerPromotion).toBe(0);
  });
});
