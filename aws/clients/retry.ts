/**
 * The SDK retry strategy of every Goldsmith client: the SDK's standard rules (which errors are retried, capped
 * exponential backoff with full jitter, `maxAttempts` per call) without its retry quota.
 *
 * Why no quota: the standard and adaptive modes share a per-client quota (500 tokens, 14 per retry, 1 back per
 * first-try success) that "prevents the SDK from retrying during outages" —
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html. With half of all calls failing it
 * is empty after a few hundred calls, and from then on every call gets one attempt. A Goldsmith task makes tens to
 * hundreds of calls (Share: one per AMI, region and target), so each Step Functions attempt of it succeeds with
 * about 2^-calls and the task's 24-hour retry horizon runs out: the promotion pauses on an error the horizon was
 * meant to wait out (measured: a quarter at 50% errors left 14 promotions paused). Retrying the failed call is
 * also the lighter load on the failing service: the alternative, Step Functions retrying the task, repeats every
 * call the task had already made. Each call's retries stay bounded (`maxAttempts`, backoff capped at 20 s), and
 * the task's own retrier bounds the rest.
 */

/** Attempts per call (the first and five retries): at a 50% error rate a call fails once in 64. */
export const SDK_MAX_ATTEMPTS = 6;

/** The SDK's standard backoff bases and cap (retries-2026 configuration of @smithy/core's util-retry). */
const BASE_DELAY_MS = 50;
const THROTTLING_BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 20_000;

/** What the SDK's retry middleware passes on each failed attempt (`RetryErrorInfo` in @smithy/types). */
export interface RetryErrorInfo {
  readonly errorType: 'TRANSIENT' | 'THROTTLING' | 'SERVER_ERROR' | 'CLIENT_ERROR';
}

/** The subset of the SDK's `StandardRetryToken` its retry middleware uses. */
export interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
  getRetryCost(): number | undefined;
}

/**
 * A token is its retry count and nothing else, so one is made per count and shared (a class, not an object of
 * arrows: no new functions per request, which a bundle that keeps names would name one by one).
 */
class CountedToken implements RetryToken {
  constructor(private readonly count: number) {}
  getRetryCount(): number {
    return this.count;
  }
  // The backoff is waited inside refreshRetryTokenForRetry, as the SDK's own strategy does.
  getRetryDelay(): number {
    return 0;
  }
  getRetryCost(): number | undefined {
    return undefined;
  }
}
const tokens: RetryToken[] = [];
const token = (count: number): RetryToken => (tokens[count] ??= new CountedToken(count));

/**
 * Client-side rate limiting of the SDK's adaptive mode (a token bucket whose rate drops on throttling and recovers
 * with successes): https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html. Separate from the
 * retry quota, which we leave out.
 */
export interface RateLimiter {
  getSendToken(): Promise<void>;
  updateClientSendingRate(response: unknown): void;
}

export interface RetryStrategyOptions {
  maxAttempts?: number;
  /** Adaptive mode's rate limiter (production: the SDK's DefaultRateLimiter; the local cloud throttles in virtual time). */
  rateLimiter?: RateLimiter;
  /** Jitter source (tests and the local cloud pass a seeded one). */
  random?: () => number;
  /** How a backoff is waited (the local cloud waits on its virtual clock). */
  sleep?: (ms: number) => Promise<void>;
  /** Told before each retry (the local cloud counts them). */
  onRetry?: () => void;
}

/**
 * The SDK's `RetryStrategyV2` (acquireInitialRetryToken / refreshRetryTokenForRetry / recordSuccess): throttling
 * and transient errors (5xx, timeouts, dropped connections, as the SDK classifies them) are retried up to
 * `maxAttempts`, waiting a random time below min(20 s, base × 2^retry), base 50 ms (1 s after throttling).
 */
export class GoldsmithRetryStrategy {
  readonly mode: 'standard' | 'adaptive';
  private readonly maxAttempts: number;
  private readonly rateLimiter: RateLimiter | undefined;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly onRetry: () => void;

  constructor(options: RetryStrategyOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? SDK_MAX_ATTEMPTS;
    this.rateLimiter = options.rateLimiter;
    this.mode = options.rateLimiter ? 'adaptive' : 'standard';
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.onRetry = options.onRetry ?? (() => undefined);
  }

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    await this.rateLimiter?.getSendToken();
    return token(0);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    this.rateLimiter?.updateClientSendingRate(info);
    const throttled = info.errorType === 'THROTTLING';
    const retryable = throttled || info.errorType === 'TRANSIENT';
    const attempts = previous.getRetryCount() + 1;
    if (!retryable || attempts >= this.maxAttempts) throw new Error('No retry token available');
    const base = throttled ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
    const delay = Math.floor(this.random() * Math.min(MAX_DELAY_MS, base * 2 ** previous.getRetryCount()));
    this.onRetry();
    await this.sleep(delay);
    await this.rateLimiter?.getSendToken();
    return token(attempts);
  }

  recordSuccess(_token: RetryToken): void {
    // No quota to refill; a success lets the adaptive rate recover.
    this.rateLimiter?.updateClientSendingRate({});
  }

  /** The SDK's middleware reads this (deprecated accessor kept by every strategy). */
  async maxAttemptsProvider(): Promise<number> {
    return this.maxAttempts;
  }
}
