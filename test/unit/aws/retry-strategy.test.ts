import { describe, expect, it } from 'vitest';
import { GoldsmithRetryStrategy, type RetryToken } from '../../../aws/clients/retry.js';

/** A strategy whose waits are recorded instead of slept, with the largest jitter (random → just below 1). */
function strategy(maxAttempts = 6) {
  const waits: number[] = [];
  const s = new GoldsmithRetryStrategy({
    maxAttempts,
    random: () => 0.999_999,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  return { s, waits };
}

/** Drives one call as the SDK's middleware does: `failures` failed attempts of `errorType`, then a success. */
async function call(
  s: GoldsmithRetryStrategy,
  failures: number,
  errorType: 'TRANSIENT' | 'THROTTLING' | 'SERVER_ERROR' | 'CLIENT_ERROR' = 'TRANSIENT',
): Promise<'ok' | 'failed'> {
  let token: RetryToken = await s.acquireInitialRetryToken('scope');
  for (let i = 0; i < failures; i++) {
    try {
      token = await s.refreshRetryTokenForRetry(token, { errorType });
    } catch {
      return 'failed';
    }
  }
  s.recordSuccess(token);
  return 'ok';
}

describe('GoldsmithRetryStrategy', () => {
  it('retries a transient error up to maxAttempts and then gives up', async () => {
    const { s } = strategy(6);
    expect(await call(s, 5)).toBe('ok');
    expect(await call(s, 6)).toBe('failed');
  });

  it('does not retry a client error', async () => {
    const { s, waits } = strategy();
    expect(await call(s, 1, 'CLIENT_ERROR')).toBe('failed');
    expect(waits).toEqual([]);
  });

  it('still retries every call after thousands of retries (no quota that an outage drains)', async () => {
    const { s } = strategy();
    const outcomes = [];
    for (let i = 0; i < 2_000; i++) outcomes.push(await call(s, 5));
    expect(outcomes.every((o) => o === 'ok')).toBe(true);
  });

  it('waits capped exponential backoff with full jitter: 50 ms base, 1 s after throttling, at most 20 s', async () => {
    const transient = strategy(8);
    await call(transient.s, 7);
    expect(transient.waits).toEqual([49, 99, 199, 399, 799, 1599, 3199]);
    const throttled = strategy(8);
    await call(throttled.s, 7, 'THROTTLING');
    expect(throttled.waits).toEqual([999, 1999, 3999, 7999, 15999, 19999, 19999]);
  });
});

describe('GoldsmithRetryStrategy with the adaptive rate limiter', () => {
  it('asks the limiter before each attempt, slows it on every failure and lets it recover on success', async () => {
    const events: string[] = [];
    const s = new GoldsmithRetryStrategy({
      sleep: async () => undefined,
      rateLimiter: {
        getSendToken: async () => {
          events.push('send');
        },
        updateClientSendingRate: (info) => {
          events.push(`rate ${(info as { errorType?: string }).errorType ?? 'success'}`);
        },
      },
    });

    expect(s.mode).toBe('adaptive');
    expect(await call(s, 2, 'THROTTLING')).toBe('ok');
    expect(events).toEqual(['send', 'rate THROTTLING', 'send', 'rate THROTTLING', 'send', 'rate success']);
  });

  it('still answers a client error at once, after telling the limiter', async () => {
    const rates: unknown[] = [];
    const s = new GoldsmithRetryStrategy({
      sleep: async () => undefined,
      rateLimiter: { getSendToken: async () => undefined, updateClientSendingRate: (info) => rates.push(info) },
    });

    expect(await call(s, 1, 'CLIENT_ERROR')).toBe('failed');
    expect(rates).toEqual([{ errorType: 'CLIENT_ERROR' }]);
  });
});
