import { describe, expect, it } from 'vitest';
import { RefusalSampler, SAMPLED_VALUE_MAX, sampledParams } from '../../../core/trust/refusal-sampler.js';

describe('RefusalSampler', () => {
  it('keeps one sample per reason per minute out of a flood of 1,000 refusals', () => {
    const sampler = new RefusalSampler();
    const start = Date.UTC(2027, 0, 1);
    const kept = Array.from({ length: 1000 }, (_, i) => sampler.note('bad signature', start + i * 50)).filter(
      (v) => v.keep,
    );
    // 1,000 requests over 50 seconds: one sample.
    expect(kept).toEqual([{ keep: true, count: 1 }]);
  });

  it('makes the next sample stand for every refusal only counted since the last', () => {
    const sampler = new RefusalSampler();
    sampler.note('bad signature', 0);
    for (let i = 1; i <= 99; i++) sampler.note('bad signature', i * 100);
    expect(sampler.note('bad signature', 60_000)).toEqual({ keep: true, count: 100 });
  });

  it('samples each reason on its own', () => {
    const sampler = new RefusalSampler();
    expect(sampler.note('bad signature', 0).keep).toBe(true);
    expect(sampler.note('link expired', 1).keep).toBe(true);
    expect(sampler.note('bad signature', 2).keep).toBe(false);
  });
});

describe('sampledParams', () => {
  it('drops the signature and bounds what an attacker sent', () => {
    const params = {
      sig: 'secret-ish',
      by: 'x'.repeat(10_000),
      ...Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p${i}`, 'v'])),
    };
    const kept = sampledParams(params);
    expect(kept.sig).toBeUndefined();
    expect(kept.by?.length).toBe(SAMPLED_VALUE_MAX + 1);
    expect(Object.keys(kept).length).toBeLessThanOrEqual(12);
  });
});
