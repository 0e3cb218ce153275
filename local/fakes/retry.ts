import type { VirtualClock } from '../clock.js';

/** The subset of the SDK's RetryToken the retry middleware uses. */
export interface VirtualRetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
  getRetryCost(): number | undefined;
}

/** What the SDK's retry middleware passes on each failed attempt. */
export interface RetryErrorInfo {
  readonly errorType: 'TRANSIENT' | 'THROTTLING' | 'SERVER_ERROR' | 'CLIENT_ERROR';
}

// The SDK's standard-mode constants: a 500-token retry quota, cheaper retries after throttling, 20 s cap.
const INITIAL_CAPACITY = 500;
const THROTTLING_COST = 5;
const RETRY_COST = 14;
const NO_RETRY_INCREMENT = 1;
const MAX_DELAY_MS = 20_000;

const token = (count: number, cost: number | undefined): VirtualRetryToken => ({
  getRetryCount: () => count,
  // The real delay has already passed on the virtual clock, so the middleware waits zero real time.
  getRetryDelay: () => 0,
  getRetryCost: () => cost,
});

/**
 * The SDK's standard retry strategy (same retryable classes, quota and capped exponential backoff with full
 * jitter), except that the backoff elapses on the virtual clock and the jitter comes from the seeded RNG. It
 * implements the SDK's RetryStrategyV2 interface, so the clients' own retry middleware drives it.
 */
export class VirtualRetryStrategy {
  readonly mode = 'standard';
  private capacity = INITIAL_CAPACITY;

  constructor(
    private readonly maxAttempts: number,
    private readonly clock: VirtualClock,
    private readonly random: () => number,
    private readonly onRetry: () => void = () => undefined,
  ) {}

  async acquireInitialRetryToken(_scope: string): Promise<VirtualRetryToken> {
    return token(0, undefined);
  }

  async refreshRetryTokenForRetry(previous: VirtualRetryToken, info: RetryErrorInfo): Promise<VirtualRetryToken> {
    const throttled = info.errorType === 'THROTTLING';
    const retryable = throttled || info.errorType === 'TRANSIENT';
    const cost = throttled ? THROTTLING_COST : RETRY_COST;
    const attempts = previous.getRetryCount() + 1;
    if (!retryable || attempts >= this.maxAttempts || this.capacity < cost) throw new Error('No retry token available');
    this.capacity -= cost;
    const base = throttled ? 1000 : 50;
    const delay = Math.floor(this.random() * Math.min(MAX_DELAY_MS, base * 2 ** previous.getRetryCount()));
    this.onRetry();
    await this.clock.sleep(delay, 'sdk retry backoff');
    return token(attempts, cost);
  }

  recordSuccess(t: VirtualRetryToken): void {
    this.capacity = Math.min(INITIAL_CAPACITY, this.capacity + (t.getRetryCost() ?? NO_RETRY_INCREMENT));
  }
}
