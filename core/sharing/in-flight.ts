import { backoffSeconds, type RetryPolicy } from '../errors/retry.js';

/**
 * Which promotions of a version are in flight, for every path that settles its launch permissions without being the
 * promotion (the daily audit, the organization re-grant). Pure.
 *
 * Share records its intent (`SHARING#<version>#<channel>`) before its first ModifyImageAttribute and its decision
 * (`SHARE#…`) after EC2 confirmed the grants; Publish then records the channel `promoted`, or RecordOutcome records
 * another outcome and takes the grants back. Between the intent and the outcome the channel's grants are the
 * promotion's: another path neither withdraws nor adds them.
 */

/** A Share begun (its intent) or recorded for one channel of a version, with when it was written. */
export interface ShareStarted {
  channel: string;
  at?: string | undefined;
}

/**
 * The longest one promotion task keeps retrying: every retry of its retrier waiting the full computed backoff (full
 * jitter waits between 0 and that; the policy's horizon is the average, about half of this):
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
export function longestRetrySeconds(policy: RetryPolicy): number {
  let total = 0;
  for (let n = 1; n <= policy.maxAttempts; n++) total += backoffSeconds(policy, n);
  return total;
}

/**
 * How long after its last write a Share with no outcome still counts as in flight. A Share attempt rewrites its
 * intent, so from the newest write the state machine can still be in Share's retries, then Publish's, then
 * RecordOutcome's (each with the same retrier, one after another; a Catch of Share or Publish goes to RecordOutcome):
 * three times the longest one task retries. Past that no execution can still record an outcome (RecordOutcome
 * failing for good ends the execution in `Outcome not recorded`), so the grants are what the ledger says, not the
 * promotion's. With the default 24-hour horizon: 3 × 172,835 s, six days.
 */
export function shareInFlightSeconds(policy: RetryPolicy): number {
  return 3 * longestRetrySeconds(policy);
}

/**
 * The channels of one version a promotion has in flight: its Share has begun or recorded them, no outcome is recorded
 * for that channel, and its newest write is younger than `maxAgeSeconds` (a write without a time counts as young).
 * Once the outcome is recorded the channel is either held (`promoted`) or fallen back by RecordOutcome; once the
 * write is older than any execution can run, the promotion is over without an outcome.
 */
export function channelsInFlight(
  started: readonly ShareStarted[],
  outcomes: readonly { channel: string }[],
  now: Date,
  maxAgeSeconds: number,
): string[] {
  const decided = new Set(outcomes.map((o) => o.channel));
  const newest = new Map<string, number>();
  for (const s of started) {
    const at = s.at === undefined ? Number.POSITIVE_INFINITY : Date.parse(s.at);
    newest.set(
      s.channel,
      Math.max(newest.get(s.channel) ?? Number.NEGATIVE_INFINITY, Number.isNaN(at) ? Infinity : at),
    );
  }
  const oldest = now.getTime() - maxAgeSeconds * 1000;
  return [...newest]
    .filter(([channel, at]) => !decided.has(channel) && at > oldest)
    .map(([channel]) => channel)
    .sort();
}
