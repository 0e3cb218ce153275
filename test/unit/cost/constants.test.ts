import { describe, expect, it } from 'vitest';
import { NO_USAGE } from './fixtures.js';

/**
 * The cost modules' module-level figures: the shipped table's date, source and currency, the length of a month and
 * which orchestration is charged per month. The modules are imported inside the tests, not at the top, so each
 * test reads them as loaded fresh in this file (and mutation testing counts these tests as the ones that reach them).
 */
describe('the cost modules’ fixed figures', () => {
  it('dates the shipped price table, names its source, and prices in US dollars', async () => {
    const { DEFAULT_PRICES } = await import('../../../core/cost/prices.js');
    expect(DEFAULT_PRICES.asOf).toBe('2026-11-01');
    expect(DEFAULT_PRICES.source).toContain('us-east-1 on-demand, USD');
    expect(DEFAULT_PRICES.currency).toBe('USD');
  });

  it('counts a month as 30.436875 days, and alarms and dashboards as charged per month, not per promotion', async () => {
    const { estimateRun } = await import('../../../core/cost/estimate.js');
    const { DEFAULT_PRICES } = await import('../../../core/cost/prices.js');
    const cost = estimateRun({
      images: {},
      orchestration: { ...NO_USAGE, sfnTransitions: 40_000, alarms: 10 },
      promotions: 2,
      start: '2027-01-01T00:00:00Z',
      // 60 days and 21 hours: two months of 30.436875 days, to the minute (87,658.2 minutes).
      until: '2027-03-02T20:58:12Z',
      prices: DEFAULT_PRICES,
    });
    expect(cost.months).toBe(2);
    expect(cost.orchestrationParts).toMatchObject({ stepFunctions: 1, cloudwatch: 2 });
    expect(cost.orchestrationPerPromotion).toBe(1.5);
    expect(cost.orchestrationPerPromotionUsage).toBe(0.5);
  });
});
