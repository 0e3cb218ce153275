import { describe, expect, it } from 'vitest';
import {
  estimateBuild,
  estimateOrchestration,
  estimateRun,
  instancePrice,
  type OrchestrationUsage,
} from '../../../core/cost/estimate.js';
import { DEFAULT_PRICES, type PriceTable, priceTable } from '../../../core/cost/prices.js';
import { buildItem, ledger, NO_USAGE } from './fixtures.js';

const build = {
  image: 'base',
  version: '1.0.0/1',
  kind: 'ami' as const,
  platform: 'Linux',
  instanceType: 'm7i.large',
  regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
  instanceSeconds: 3600,
  availableAt: '2027-01-01T00:00:00Z',
};

describe('instancePrice: the listed price of a type, or the fallback', () => {
  it('reads a listed type, even one the catalog made free', () => {
    expect(instancePrice(DEFAULT_PRICES, 'm7g.large')).toEqual({ price: 0.0816, listed: true });
    expect(instancePrice(priceTable({ instanceHour: { 'm7g.large': 0 } }), 'm7g.large')).toEqual({
      price: 0,
      listed: true,
    });
  });

  it('prices a type the table does not list at the fallback, and says so', () => {
    expect(instancePrice(DEFAULT_PRICES, 'x9z.huge')).toEqual({ price: 0.1, listed: false });
  });
});

describe('estimateBuild: what one build costs', () => {
  it('prices a container image by its assumed size and ECR storage, not a snapshot', () => {
    expect(estimateBuild({ ...build, kind: 'container' }, DEFAULT_PRICES)).toEqual({
      instance: 0.1008,
      copy: 0.012, // 2 copies × 0.3 GB × 0.02
      storagePerMonth: 0.09, // 3 regions × 0.3 GB × 0.1
      total: 0.1128,
    });
  });

  it('sizes a Windows snapshot at 30 GB, and a platform the table does not list as Linux', () => {
    expect(estimateBuild({ ...build, platform: 'Windows' }, DEFAULT_PRICES)).toMatchObject({
      copy: 1.2, // 2 × 30 × 0.02
      storagePerMonth: 4.5, // 3 × 30 × 0.05
    });
    expect(estimateBuild({ ...build, platform: 'macOS' }, DEFAULT_PRICES)).toMatchObject({
      copy: 0.32,
      storagePerMonth: 1.2,
    });
  });

  it('assumes 8 GB when the table sizes neither the platform nor Linux', () => {
    const prices: PriceTable = { ...DEFAULT_PRICES, snapshotGb: {} };
    expect(estimateBuild(build, prices)).toMatchObject({ copy: 0.32, storagePerMonth: 1.2 });
  });

  it('copies nothing for a build kept in one region', () => {
    expect(estimateBuild({ ...build, regions: ['us-east-1'] }, DEFAULT_PRICES)).toMatchObject({
      copy: 0,
      storagePerMonth: 0.4,
      total: 0.1008,
    });
  });

  it('prices an unlisted instance type at the fallback, and rounds to a hundredth of a cent', () => {
    expect(estimateBuild({ ...build, instanceType: 'x9z.huge' }, DEFAULT_PRICES).instance).toBe(0.1);
    // 10 seconds of m7i.large: 0.00028 → 0.0003; 1,000 seconds: 0.028 exactly.
    expect(estimateBuild({ ...build, instanceSeconds: 10 }, DEFAULT_PRICES).instance).toBe(0.0003);
    expect(estimateBuild({ ...build, instanceSeconds: 1000 }, DEFAULT_PRICES).instance).toBe(0.028);
  });
});

describe('estimateOrchestration: each service’s charge', () => {
  /** Round prices, so each term of each service shows in its part. */
  const prices = priceTable({
    lambdaRequestMillion: 3,
    lambdaGbSecond: 0.00001,
    lambdaAssumedMs: 500,
    lambdaAssumedMemoryMb: 2048,
    eventsMillion: 2,
    schedulerMillion: 4,
  });

  it('charges requests and GB-seconds, transitions, request units, events, publishes, API calls and monthly items', () => {
    const usage: OrchestrationUsage = {
      lambdaInvocations: 1_000_000,
      sfnTransitions: 4000,
      dynamoWrites: 2_000_000,
      dynamoReads: 4_000_000,
      eventsPut: 3_000_000,
      schedulerInvocations: 1_000_000,
      snsPublishes: 2_000_000,
      ssmApiCalls: 30_000,
      alarms: 10,
      dashboards: 1,
    };
    expect(estimateOrchestration(usage, prices, 2)).toEqual({
      lambda: 13, // 3 for a million requests + 1,000,000 × 0.5 s × 2 GB × 0.00001
      stepFunctions: 0.1, // 4 × 0.025
      dynamodb: 1.75, // 2 × 0.625 + 4 × 0.125
      eventbridge: 10, // 3 × 2 + 1 × 4
      sns: 1, // 2 × 0.5
      ssm: 0.15, // 3 × 0.05
      cloudwatch: 8, // 2 months × (10 × 0.1 + 1 × 3)
    });
  });

  it('charges nothing for no work, and alarms and dashboards per month whatever the work', () => {
    const none = estimateOrchestration(NO_USAGE, DEFAULT_PRICES, 3);
    expect(Object.values(none).every((v) => v === 0)).toBe(true);
    expect(estimateOrchestration({ ...NO_USAGE, alarms: 2 }, DEFAULT_PRICES, 0.5).cloudwatch).toBe(0.1);
  });
});

/** A build item as on-image-event writes it. */

describe('estimateRun: the whole run', () => {
  const run = (extra: Partial<Parameters<typeof estimateRun>[0]> = {}) =>
    estimateRun({
      images: {
        base: ledger([buildItem('1.0.0/1', '2027-01-01T00:00:00Z', 0.5, 0)]),
        web: ledger([buildItem('1.0.0/1', '2027-01-10T00:00:00Z', 0.25, 0)]),
      },
      orchestration: { ...NO_USAGE, sfnTransitions: 40_000, alarms: 1 },
      promotions: 4,
      start: '2027-01-01T00:00:00Z',
      until: '2027-03-01T00:00:00Z',
      prices: DEFAULT_PRICES,
      ...extra,
    });

  it('adds every image’s builds into the month they were requested in, and keeps each image apart', () => {
    const cost = run();
    expect(cost.perMonth).toEqual({ '2027-01': 0.75, '2027-02': 0 });
    expect(cost.perImage).toEqual({ base: 0.5, web: 0.25 });
    expect(cost.build).toBe(0.75);
    expect(cost.currency).toBe('USD');
    expect(cost.prices).toEqual({ asOf: DEFAULT_PRICES.asOf, source: DEFAULT_PRICES.source });
  });

  it('counts months of 30.44 days, and divides each image’s cost by them', () => {
    const cost = run();
    // 59 days: 1.9384 months.
    expect(cost.months).toBe(1.94);
    expect(cost.perImagePerMonth).toEqual({ base: 0.2579, web: 0.129 });
    expect(cost.orchestrationParts.cloudwatch).toBe(0.1938);
  });

  it('counts a run shorter than a day as its own hours, and gives it no average per month', () => {
    const hour = run({ until: '2027-01-01T01:00:00Z', orchestration: { ...NO_USAGE, alarms: 730 } });
    expect(hour.months).toBe(0);
    // 730 alarms for one of a month's 730.5 hours: one alarm-month, not the 30 a day's share would count.
    expect(hour.orchestrationParts.cloudwatch).toBe(0.0999);
    // base's 0.5 of builds in its first hour is no month's average: not 365 (an hour's 730th), nor 15 (a day's 30th).
    expect(hour.perImagePerMonth).toEqual({});
    expect(run({ until: '2027-01-02T00:00:00Z' }).perImagePerMonth.base).toBe(15.2184);
    const none = run({ until: '2027-01-01T00:00:00Z' });
    expect(none.orchestrationParts.cloudwatch).toBe(0);
  });

  it('divides orchestration per promotion, all of it and only what scales with work', () => {
    const cost = run();
    expect(cost.orchestration).toBe(1.1938); // 1 for the transitions, 0.1938 for the alarm
    expect(cost.orchestrationPerPromotion).toBe(0.2985);
    expect(cost.orchestrationPerPromotionUsage).toBe(0.25);
    expect(cost.total).toBe(1.9438);
  });

  it('divides nothing when there was no promotion', () => {
    const cost = run({ promotions: 0 });
    expect(cost.orchestrationPerPromotion).toBe(0);
    expect(cost.orchestrationPerPromotionUsage).toBe(0);
  });

  it('rounds each month to the cent, as the monthly summary does', () => {
    const cost = run({ images: { base: ledger([buildItem('1.0.0/1', '2027-01-01T00:00:00Z', 0.123, 0)]) } });
    expect(cost.perMonth['2027-01']).toBe(0.12);
    expect(cost.perImage.base).toBe(0.123);
  });

  it('states the caller’s assumptions first, then how storage and Lambda were counted', () => {
    expect(run({ assumptions: ['t3.nano priced at the fallback'] }).assumptions).toEqual([
      't3.nano priced at the fallback',
      'storage is counted for exactly the time each output existed: from AVAILABLE until the lifecycle deleted it',
      'Lambda invocations billed at 300 ms and 512 MB each',
    ]);
    expect(run().assumptions).toHaveLength(2);
  });
});
