import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../../core/config/catalog.js';
import { retryPolicyOf } from '../../../core/errors/retry.js';
import { exampleCatalog, exampleFiles, problemsAfter } from './helpers.js';

describe('catalog resilience.retryHorizon', () => {
  it('defaults to 24 hours, which the promotion retrier covers', () => {
    const result = parseCatalog(exampleCatalog(), exampleFiles());

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.catalog.resilience).toEqual({ retryHorizon: '24h', pauseBuildsAfterFailures: 3 });
    expect(retryPolicyOf(result.catalog).horizonSeconds).toBe(86_400);
  });

  it('takes a longer horizon and retries more times over it', () => {
    const catalog = exampleCatalog();
    catalog.resilience = { retryHorizon: '3d' };
    const result = parseCatalog(catalog, exampleFiles());

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const day = retryPolicyOf({ resilience: { retryHorizon: '24h' } });
    expect(retryPolicyOf(result.catalog).maxAttempts).toBeGreaterThan(day.maxAttempts * 2.5);
  });

  it('refuses a horizon shorter than an hour or longer than a week, naming the field', () => {
    for (const horizon of ['30m', '8d', '2w']) {
      expect(
        problemsAfter((c) => (c.resilience = { retryHorizon: horizon })),
        horizon,
      ).toEqual([expect.stringMatching(/^resilience\.retryHorizon: must be between 1h and 1w /)]);
    }
  });

  it('refuses a horizon that is not a duration and unknown resilience keys', () => {
    expect(problemsAfter((c) => (c.resilience = { retryHorizon: '1 day', retries: 3 }))).toEqual([
      'resilience.retryHorizon: must be a duration like "30m", "12h", "3d" or "2w"',
      'resilience.retries: unknown key',
    ]);
  });
});

describe('catalog resilience.pauseBuildsAfterFailures', () => {
  it('defaults to three failed builds in a row', () => {
    const result = parseCatalog(exampleCatalog(), exampleFiles());

    expect(result.ok && result.catalog.resilience.pauseBuildsAfterFailures).toBe(3);
  });

  it('takes a whole number from 1 to 20', () => {
    const catalog = exampleCatalog();
    catalog.resilience = { pauseBuildsAfterFailures: 1 };
    const result = parseCatalog(catalog, exampleFiles());

    expect(result.ok && result.catalog.resilience).toEqual({ retryHorizon: '24h', pauseBuildsAfterFailures: 1 });
  });

  it('refuses zero, a fraction, more than 20 or a string, naming the field', () => {
    for (const value of [0, 2.5, 21, '3']) {
      expect(
        problemsAfter((c) => (c.resilience = { pauseBuildsAfterFailures: value as number })),
        String(value),
      ).toEqual(['resilience.pauseBuildsAfterFailures: must be a whole number of failed builds from 1 to 20']);
    }
  });
});
