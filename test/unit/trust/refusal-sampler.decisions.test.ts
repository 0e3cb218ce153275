import { describe, expect, it } from 'vitest';
import {
  REFUSAL_REASONS_REMEMBERED,
  REFUSAL_SAMPLE_WINDOW_MS,
  RefusalSampler,
  SAMPLED_PARAMS_MAX,
  SAMPLED_VALUE_MAX,
  sampledParams,
} from '../../../core/trust/refusal-sampler.js';

const reason = (i: number) => `reason ${i}`;

/** A sampler that has kept one sample of each of `REFUSAL_REASONS_REMEMBERED` reasons, at time 0, in order. */
function fullSampler(): RefusalSampler {
  const sampler = new RefusalSampler();
  for (let i = 0; i < REFUSAL_REASONS_REMEMBERED; i++) sampler.note(reason(i), 0);
  return sampler;
}

describe('RefusalSampler: the window', () => {
  it('is one minute by default', () => {
    expect(REFUSAL_SAMPLE_WINDOW_MS).toBe(60_000);
  });

  it('only counts a refusal a millisecond before the window ends, and keeps one at its end', () => {
    const sampler = new RefusalSampler();
    expect(sampler.note('bad signature', 1_000)).toEqual({ keep: true, count: 1 });
    expect(sampler.note('bad signature', 60_999)).toEqual({ keep: false });
    expect(sampler.note('bad signature', 61_000)).toEqual({ keep: true, count: 2 });
  });

  it('starts the next window at the last sample, not at the first', () => {
    const sampler = new RefusalSampler();
    sampler.note('bad signature', 0);
    sampler.note('bad signature', 60_000);
    expect(sampler.note('bad signature', 119_999)).toEqual({ keep: false });
    expect(sampler.note('bad signature', 120_000)).toEqual({ keep: true, count: 2 });
  });

  it('takes the window it is given', () => {
    const sampler = new RefusalSampler(10);
    expect(sampler.note('link expired', 0).keep).toBe(true);
    expect(sampler.note('link expired', 9).keep).toBe(false);
    expect(sampler.note('link expired', 10)).toEqual({ keep: true, count: 2 });
  });

  it('makes a sample after a quiet window stand for itself alone', () => {
    const sampler = new RefusalSampler();
    sampler.note('bad signature', 0);
    sampler.note('bad signature', 1);
    expect(sampler.note('bad signature', 60_000)).toEqual({ keep: true, count: 2 });
    expect(sampler.note('bad signature', 120_000)).toEqual({ keep: true, count: 1 });
  });
});

describe('RefusalSampler: the reasons it remembers', () => {
  it(`remembers ${REFUSAL_REASONS_REMEMBERED} reasons at once`, () => {
    const sampler = fullSampler();
    for (let i = 0; i < REFUSAL_REASONS_REMEMBERED; i++) expect(sampler.note(reason(i), 1)).toEqual({ keep: false });
  });

  it('forgets the reason sampled longest ago to make room for a new one, and only that one', () => {
    const sampler = fullSampler();
    expect(sampler.note('new reason', 1)).toEqual({ keep: true, count: 1 });
    expect(sampler.note(reason(1), 2)).toEqual({ keep: false });
    expect(sampler.note(reason(REFUSAL_REASONS_REMEMBERED - 1), 2)).toEqual({ keep: false });
    // reason 0 was forgotten: sampled again as new (which in turn forgets reason 1).
    expect(sampler.note(reason(0), 3)).toEqual({ keep: true, count: 1 });
    expect(sampler.note(reason(1), 4)).toEqual({ keep: true, count: 1 });
  });

  it('counts a reason sampled again as the newest, so another is forgotten in its place', () => {
    const sampler = fullSampler();
    expect(sampler.note(reason(0), 60_000)).toEqual({ keep: true, count: 1 });
    sampler.note('new reason', 60_001);
    expect(sampler.note(reason(0), 60_002)).toEqual({ keep: false });
    expect(sampler.note(reason(1), 60_003)).toEqual({ keep: true, count: 1 });
  });

  it('forgets nothing when a reason it remembers is sampled again', () => {
    const sampler = new RefusalSampler();
    sampler.note(reason(0), 30_000);
    sampler.note(reason(1), 0);
    for (let i = 2; i < REFUSAL_REASONS_REMEMBERED; i++) sampler.note(reason(i), 30_000);
    expect(sampler.note(reason(1), 60_000)).toEqual({ keep: true, count: 1 });
    expect(sampler.note(reason(0), 60_001)).toEqual({ keep: false });
    expect(sampler.note(reason(63), 60_001)).toEqual({ keep: false });
  });
});

describe('sampledParams', () => {
  it('keeps a value of exactly the bound whole, and cuts a longer one at the bound with an ellipsis', () => {
    const exact = 'a'.repeat(SAMPLED_VALUE_MAX);
    const longer = `${'b'.repeat(SAMPLED_VALUE_MAX)}c`;
    expect(sampledParams({ exact, longer })).toEqual({ exact, longer: `${'b'.repeat(SAMPLED_VALUE_MAX)}…` });
    expect(SAMPLED_VALUE_MAX).toBe(256);
  });

  it('cuts a parameter name at 64 characters', () => {
    expect(sampledParams({ [`${'k'.repeat(64)}tail`]: 'v' })).toEqual({ ['k'.repeat(64)]: 'v' });
  });

  it(`keeps the first ${SAMPLED_PARAMS_MAX} parameters other than the signature, in order`, () => {
    const params = Object.fromEntries([['sig', 'x'], ...Array.from({ length: 13 }, (_, i) => [`p${i}`, `v${i}`])]);
    const kept = sampledParams(params);
    expect(Object.keys(kept)).toEqual(Array.from({ length: 12 }, (_, i) => `p${i}`));
    expect(kept.p11).toBe('v11');
    expect(SAMPLED_PARAMS_MAX).toBe(12);
  });

  it('keeps short parameters as they are, and nothing for none', () => {
    expect(sampledParams({ action: 'approve', by: 'alice' })).toEqual({ action: 'approve', by: 'alice' });
    expect(sampledParams({})).toEqual({});
    expect(sampledParams({ sig: 'only' })).toEqual({});
  });
});
