import { GoldsmithRetryStrategy } from '../../aws/clients/retry.js';
import type { VirtualClock } from '../clock.js';

export type { RetryErrorInfo, RetryToken as VirtualRetryToken } from '../../aws/clients/retry.js';

/**
 * Production's retry strategy (aws/clients/retry.ts: the SDK's standard retries without its retry quota), except
 * that the backoff elapses on the virtual clock and the jitter comes from the seeded RNG. The clients' own retry
 * middleware drives it, as in production.
 */
export class VirtualRetryStrategy extends GoldsmithRetryStrategy {
  constructor(maxAttempts: number, clock: VirtualClock, random: () => number, onRetry: () => void = () => undefined) {
    super({ maxAttempts, random, onRetry, sleep: (ms) => clock.sleep(ms, 'sdk retry backoff') });
  }
}
