import { describe, expect, it } from 'vitest';
import { estimateBuild, estimateRun, type OrchestrationUsage } from '../../../core/cost/estimate.js';
import { DEFAULT_PRICES, priceTable } from '../../../core/cost/prices.js';

const NO_USAGE: OrchestrationUsage = {
  lambdaInvocations: 0,
  sfnTransitions: 0,
  dynamoWrites: 0,
  dynamoReads: 0,
  eventsPut: 0,
  schedulerInvocations: 0,
  snsPublishes: 0,
  ssmParameterMonths: 0,
  ssmApiCalls: 0,
  alarms: 0,
  dashboards: 0,
};

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

describe('estimateRun', () => {
  it('adds storage for the months an output is kept and divides per image-month and per promotion', () => {
    const cost = estimateRun({
      builds: [amiBuild],
      orchestration: { ...NO_USAGE, sfnTransitions: 4000, alarms: 10 },
      promotions: 2,
      start: '2027-01-01T00:00:00Z',
      until: '2027-03-02T21:00:00Z',
      prices: DEFAULT_PRICES,
    });

    expect(cost.months).toBeCloseTo(2, 1);
    expect(cost.storage).toBeCloseTo(1.2 * 2, 1);
    expect(cost.orchestrationParts.stepFunctions).toBe(0.1);
    expect(cost.orchestrationParts.cloudwatch).toBeCloseTo(2, 1);
    expect(cost.orchestrationPerPromotionUsage).toBe(0.05);
    expect(cost.perImagePerMonth.base).toBeCloseTo(cost.perImage.base! / cost.months, 1);
    expect(cost.total).toBeCloseTo(cost.build + cost.storage + cost.orchestration, 3);
    expect(Object.keys(cost.perMonth)).toEqual(['2027-01', '2027-02', '2027-03']);
    const summed = Object.values(cost.perMonth).reduce((a, b) => a + b, 0);
    expect(summed).toBeCloseTo(cost.total, 2);
  });

  it('names an instance type the table lacks as an assumption', () => {
    const cost = estimateRun({
      builds: [{ ...amiBuild, instanceType: 'x9z.huge' }],
      orchestration: NO_USAGE,
      promotions: 0,
      start: '2027-01-01T00:00:00Z',
      until: '2027-02-01T00:00:00Z',
      prices: DEFAULT_PRICES,
    });
    expect(cost.assumptions.join('\n')).toContain('x9z.huge');
    expect(cost.orchestrationPerPromotion).toBe(0);
  });
});
