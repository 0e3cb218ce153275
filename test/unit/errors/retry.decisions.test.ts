import { describe, expect, it } from 'vitest';
import { TRANSIENT_ERROR_NAMES } from '../../../core/errors/classify.js';
import {
  backoffSeconds,
  DEFAULT_RETRY_HORIZON_SECONDS,
  retrierOf,
  retryPolicy,
  retryPolicyOf,
} from '../../../core/errors/retry.js';

// Average waits (half the computed backoff): 2.5, 5, 10, 20, 40, 80, 160 (317.5 s in all after 7 retries), then
// 300 s a retry once the backoff reaches its 600 s cap.
describe('retryPolicy: how many attempts a horizon buys', () => {
  it('stops at the first retry whose average wait reaches the horizon, not one later', () => {
    expect(retryPolicy(2.5).maxAttempts).toBe(1);
    expect(retryPolicy(2.6).maxAttempts).toBe(2);
    expect(retryPolicy(7.5).maxAttempts).toBe(2);
    expect(retryPolicy(317.5).maxAttempts).toBe(7);
    expect(retryPolicy(617.5).maxAttempts).toBe(8);
  });

  it('retries at least once for the shortest horizon', () => {
    expect(retryPolicy(0.001).maxAttempts).toBe(1);
  });

  it('gives the 24-hour default 294 attempts', () => {
    expect(DEFAULT_RETRY_HORIZON_SECONDS).toBe(86_400);
    expect(retryPolicy().maxAttempts).toBe(294);
    expect(retryPolicy(86_400).maxAttempts).toBe(294);
  });
});

describe('retryPolicy: what it refuses', () => {
  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a horizon of %s, saying what it got', (h) => {
    expect(() => retryPolicy(h)).toThrow(
      new RangeError(`retry horizon must be a positive number of seconds, got ${h}`),
    );
  });
});

describe('retryPolicy: its shape', () => {
  it('is every transient error, 5 s doubling to 600 s, full jitter, over the horizon it was given', () => {
    expect(retryPolicy(3600)).toEqual({
      errors: TRANSIENT_ERROR_NAMES,
      intervalSeconds: 5,
      backoffRate: 2,
      maxDelaySeconds: 600,
      maxAttempts: 18,
      jitter: 'FULL',
      horizonSeconds: 3600,
    });
  });

  it('caps the backoff from the first retry that would exceed it', () => {
    const policy = retryPolicy();
    expect(backoffSeconds(policy, 7)).toBe(320);
    expect(backoffSeconds(policy, 8)).toBe(600);
    expect(backoffSeconds({ intervalSeconds: 5, backoffRate: 2, maxDelaySeconds: 640 }, 8)).toBe(640);
  });
});

describe('retrierOf and retryPolicyOf', () => {
  it("renders every field of the policy in ASL's terms, with its own copy of the errors", () => {
    const policy = retryPolicy(3600);
    const asl = retrierOf(policy);
    expect(asl).toEqual({
      ErrorEquals: [...TRANSIENT_ERROR_NAMES],
      IntervalSeconds: 5,
      BackoffRate: 2,
      MaxDelaySeconds: 600,
      MaxAttempts: 18,
      JitterStrategy: 'FULL',
    });
    expect(asl.ErrorEquals).not.toBe(policy.errors);
  });

  it("takes the catalog's retry horizon", () => {
    expect(retryPolicyOf({ resilience: { retryHorizon: '1h' } })).toEqual(retryPolicy(3600));
    expect(retryPolicyOf({ resilience: { retryHorizon: '2d' } }).horizonSeconds).toBe(172_800);
  });
});
