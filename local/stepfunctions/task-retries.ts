import type { LocalStepFunctionsOptions } from './engine-options.js';
import type { LocalExecution } from './execution.js';
import type { Json, LocalRetrier } from './localize.js';

/** The error name Step Functions matches a Retry/Catch against. */
function errorNameOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string') {
    return (error as { name: string }).name;
  }
  return 'States.TaskFailed';
}

/** ErrorEquals semantics: an exact name, States.ALL (anything), or States.TaskFailed (anything but a timeout). */
function matchesError(errorEquals: readonly string[], name: string): boolean {
  return (
    errorEquals.includes(name) ||
    errorEquals.includes('States.ALL') ||
    (errorEquals.includes('States.TaskFailed') && name !== 'States.Timeout')
  );
}

/**
 * Runs one task state's attempts as Step Functions would: on an error its Retry list matches, wait the retrier's
 * backoff (IntervalSeconds × BackoffRate^n, capped at MaxDelaySeconds, full jitter when asked) on the virtual
 * clock and try again, up to MaxAttempts; each wait is written to the execution's history.
 */
export async function withRetries(
  options: LocalStepFunctionsOptions,
  key: string,
  retriers: readonly LocalRetrier[] | undefined,
  execution: LocalExecution,
  stateName: string,
  attempt: () => Promise<Json>,
): Promise<Json> {
  const counts = new Map<LocalRetrier, number>();
  let retried = false;
  for (;;) {
    try {
      const output = await attempt();
      if (retried) options.onTaskRecovered?.(key);
      options.onTaskSucceeded?.(execution, stateName);
      return output;
    } catch (error) {
      const name = errorNameOf(error);
      const retrier = retriers?.find((r) => matchesError(r.ErrorEquals, name));
      const used = retrier ? (counts.get(retrier) ?? 0) : 0;
      if (!retrier) throw error;
      if (used >= (retrier.MaxAttempts ?? 3)) {
        if (retried) options.onTaskGaveUp?.(key, execution, stateName);
        throw error;
      }
      counts.set(retrier, used + 1);
      const base = Math.min(
        (retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY) * 1000,
        (retrier.IntervalSeconds ?? 1) * 1000 * (retrier.BackoffRate ?? 2) ** used,
      );
      const random = options.random ?? Math.random;
      const waitMs = Math.floor(retrier.JitterStrategy === 'FULL' ? random() * base : base);
      const now = options.clock.now();
      execution.history ??= [];
      execution.history.push({
        at: now.toISOString(),
        state: stateName,
        type: 'TaskRetryScheduled',
        error: name,
        attempt: used + 1,
        waitSeconds: waitMs / 1000,
      });
      retried = true;
      options.onTaskRetry?.(key, error);
      await options.clock.sleepUntil(new Date(now.getTime() + waitMs));
    }
  }
}
