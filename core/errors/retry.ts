import type { Catalog } from '../config/schema.js';
import { parseDuration } from '../duration.js';
import { TRANSIENT_ERROR_NAMES } from './classify.js';

/** How long a promotion step waits out transient errors before it fails (catalog `resilience.retryHorizon`). */
export const DEFAULT_RETRY_HORIZON_SECONDS = 24 * 60 * 60;

/**
 * A Step Functions retrier, in its ASL field terms (Retry: ErrorEquals, IntervalSeconds, BackoffRate,
 * MaxDelaySeconds, MaxAttempts, JitterStrategy):
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 * FULL jitter waits a random time between 0 and the computed backoff:
 * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_stepfunctions.JitterType.html
 */
export interface RetryPolicy {
  errors: readonly string[];
  intervalSeconds: number;
  backoffRate: number;
  maxDelaySeconds: number;
  /** Retries after the first attempt. */
  maxAttempts: number;
  jitter: 'FULL';
  /** The span the retries cover on average (full jitter waits half the computed backoff on average). */
  horizonSeconds: number;
}

const INTERVAL_SECONDS = 5;
const BACKOFF_RATE = 2;
/** Ten minutes: after an outage ends a waiting step notices within ten minutes. */
const MAX_DELAY_SECONDS = 600;
/** ASL's bound on MaxAttempts. */
const MAX_ATTEMPTS_LIMIT = 99_999_999;

/** The computed (un-jittered) backoff before retry `n` (1-based), capped. */
export function backoffSeconds(
  policy: Pick<RetryPolicy, 'intervalSeconds' | 'backoffRate' | 'maxDelaySeconds'>,
  n: number,
): number {
  return Math.min(policy.maxDelaySeconds, policy.intervalSeconds * policy.backoffRate ** (n - 1));
}

/**
 * The retrier every promotion task uses: every transient error name, exponential backoff from 5 s doubling to a
 * 10-minute cap with full jitter, and as many attempts as cover `horizonSeconds` on average. Only a permanent
 * error, or transient errors lasting past the horizon, reach the task's Catch.
 */
export function retryPolicy(horizonSeconds: number = DEFAULT_RETRY_HORIZON_SECONDS): RetryPolicy {
  if (!Number.isFinite(horizonSeconds) || horizonSeconds <= 0) {
    throw new RangeError(`retry horizon must be a positive number of seconds, got ${horizonSeconds}`);
  }
  const shape = { intervalSeconds: INTERVAL_SECONDS, backoffRate: BACKOFF_RATE, maxDelaySeconds: MAX_DELAY_SECONDS };
  let attempts = 0;
  let expected = 0;
  while (expected < horizonSeconds && attempts < MAX_ATTEMPTS_LIMIT) {
    attempts++;
    expected += backoffSeconds(shape, attempts) / 2;
  }
  return {
    errors: TRANSIENT_ERROR_NAMES,
    ...shape,
    maxAttempts: Math.max(1, attempts),
    jitter: 'FULL',
    horizonSeconds,
  };
}

/** The ASL `Retry` entry for a policy (what the synthesized definition carries). */
export function retrierOf(policy: RetryPolicy): {
  ErrorEquals: string[];
  IntervalSeconds: number;
  BackoffRate: number;
  MaxDelaySeconds: number;
  MaxAttempts: number;
  JitterStrategy: 'FULL';
} {
  return {
    ErrorEquals: [...policy.errors],
    IntervalSeconds: policy.intervalSeconds,
    BackoffRate: policy.backoffRate,
    MaxDelaySeconds: policy.maxDelaySeconds,
    MaxAttempts: policy.maxAttempts,
    JitterStrategy: policy.jitter,
  };
}

/** The retry policy the catalog asks for (`resilience.retryHorizon`, default 24 hours). */
export function retryPolicyOf(catalog: { resilience: Pick<Catalog['resilience'], 'retryHorizon'> }): RetryPolicy {
  return retryPolicy(parseDuration(catalog.resilience.retryHorizon));
}
