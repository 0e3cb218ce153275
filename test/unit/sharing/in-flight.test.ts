import { describe, expect, it } from 'vitest';
import { retryPolicy } from '../../../core/errors/retry.js';
import { channelsInFlight, longestRetrySeconds, shareInFlightSeconds } from '../../../core/sharing/in-flight.js';

const NOW = new Date('2027-01-20T00:00:00Z');
const DAY = 24 * 3600;
const SIX_DAYS = 6 * DAY;
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY * 1000).toISOString();

describe('a promotion in flight', () => {
  it('is a channel whose Share began or was recorded and whose outcome is not recorded', () => {
    const outcomes = [{ channel: 'dev' }, { channel: 'staging' }];
    const started = [{ channel: 'prod', at: daysAgo(0) }, { channel: 'dev', at: daysAgo(0) }, { channel: 'prod' }];
    expect(channelsInFlight(started, outcomes, NOW, SIX_DAYS)).toEqual(['prod']);
    expect(channelsInFlight(started, [...outcomes, { channel: 'prod' }], NOW, SIX_DAYS)).toEqual([]);
  });

  it('is over once its newest write is older than the state machine can still be running it', () => {
    expect(channelsInFlight([{ channel: 'prod', at: daysAgo(7) }], [], NOW, SIX_DAYS)).toEqual([]);
    expect(channelsInFlight([{ channel: 'prod', at: daysAgo(5) }], [], NOW, SIX_DAYS)).toEqual(['prod']);
    // A retried Share rewrote its intent two days ago: its recorded decision of a week ago does not end it.
    const retried = [
      { channel: 'prod', at: daysAgo(7) },
      { channel: 'prod', at: daysAgo(2) },
    ];
    expect(channelsInFlight(retried, [], NOW, SIX_DAYS)).toEqual(['prod']);
  });

  it('lasts three times the longest one task retries: Share, then Publish, then RecordOutcome', () => {
    const policy = retryPolicy(DAY);
    // Full jitter waits at most the computed backoff: about twice the horizon, the average.
    expect(longestRetrySeconds(policy)).toBe(172_835);
    expect(shareInFlightSeconds(policy)).toBe(3 * 172_835);
    expect(shareInFlightSeconds(policy)).toBeGreaterThan(SIX_DAYS - 3600);
    expect(shareInFlightSeconds(retryPolicy(3600))).toBeLessThan(shareInFlightSeconds(policy));
  });
});
