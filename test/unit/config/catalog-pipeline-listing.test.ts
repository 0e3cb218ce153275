import { describe, expect, it } from 'vitest';
import { problemsAfter } from './helpers.js';

describe('the catalog’s pipelineListingEvery', () => {
  it('refuses a period the reconciler’s 14-day listing window does not cover, naming the field and the limit', () => {
    for (const every of ['14d', '2w', '30d']) {
      expect(problemsAfter((c) => (c.monitoring = { pipelineListingEvery: every }))).toEqual([
        'monitoring.pipelineListingEvery: must be at most 13d: the reconciler lists the last 14 days of builds, so a longer period would leave builds no listing sees',
      ]);
    }
  });

  it('takes any whole number of days up to 13d', () => {
    for (const every of ['1d', '7d', '13d']) {
      expect(problemsAfter((c) => (c.monitoring = { pipelineListingEvery: every }))).toEqual([]);
    }
  });
});
