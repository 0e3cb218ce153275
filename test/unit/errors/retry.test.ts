import { describe, expect, it } from 'vitest';
import { TRANSIENT_ERROR_NAMES } from '../../../core/errors/classify.js';
import { backoffSeconds, DEFAULT_RETRY_HORIZON_SECONDS, retrierOf, retryPolicy } from '../../../core/errors/retry.js';

/** The average total wait of a policy's retries (full jitter: half the computed backoff each time). */
function expectedSpan(policy: ReturnType<typeof retryPolicy>): number {
  let total = 0;
  for (let n = 1; n <= policy.maxAttempts; n++) total += backoffSeconds(policy, n) / 2;
  return total;
}

describe('retryPolicy', () => {
  it('covers the 24-hour default horizon on average, and not much more', () => {
    const policy = retryPolicy();
    expect(policy.horizonSeconds).toBe(DEFAULT_RETRY_HORIZON_SECONDS);
    expect(expectedSpan(policy)).toBeGreaterThanOrEqual(DEFAULT_RETRY_HORIZON_SECONDS);
    expect(expectedSpan(policy)).toBeLessThan(DEFAULT_RETRY_HORIZON_SECONDS + policy.maxDelaySeconds);
  });

  it('backs off exponentially with full jitter up to a ten-minute cap', () => {
    const policy = retryPolicy();
    expect(policy.jitter).toBe('FULL');
    expect(backoffSeconds(policy, 1)).toBe(5);
    expect(backoffSeconds(policy, 2)).toBe(10);
    expect(backoffSeconds(policy, 3)).toBe(20);
    expect(backoffSeconds(policy, 50)).toBe(600);
  });

  it('scales its attempts with the horizon', () => {
    const hour = retryPolicy(3600);
    const week = retryPolicy(7 * 86_400);
    expect(hour.maxAttempts).toBeLessThan(retryPolicy().maxAttempts);
    expect(week.maxAttempts).toBeGreaterThan(retryPolicy().maxAttempts);
    expect(expectedSpan(hour)).toBeGreaterThanOrEqual(3600);
  });

  it('retries every transient error name and nothing else', () => {
    expect(retryPolicy().errors).toEqual(TRANSIENT_ERROR_NAMES);
    expect(retryPolicy().errors).not.toContain('States.ALL');
    expect(retryPolicy().errors).not.toContain('States.Timeout');
  });

  it('refuses a horizon that is not a positive number of seconds', () => {
    expect(() => retryPolicy(0)).toThrow(/positive/);
    expect(() => retryPolicy(Number.NaN)).toThrow(/positive/);
  });

  it('renders the ASL retrier with the fields Step Functions reads', () => {
    const asl = retrierOf(retryPolicy(3600));
    expect(asl).toMatchObject({ IntervalSeconds: 5, BackoffRate: 2, MaxDelaySeconds: 600, JitterStrategy: 'FULL' });
    expect(asl.ErrorEquals).toContain('Lambda.ServiceException');
    expect(asl.MaxAttempts).toBe(retryPolicy(3600).maxAttempts);
  });
});
