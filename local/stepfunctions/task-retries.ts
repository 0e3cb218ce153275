import type { LocalStepFunctionsOptions } from './engine-options.js';
import type { LocalExecution } from './execution.js';
import type { CallPhase, LiveCall } from './journal.js';
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
 * clock and try again, up to MaxAttempts; each wait is written to the execution's history. `call` holds the
 * attempts used and where the call waits (what a save writes down); `resume`, a saved call's phase, goes on from
 * there: a backoff sleeps until its wake instant, a Wait or token attempt is handed back to `attempt`.
 */
export async function withRetries(
  options: LocalStepFunctionsOptions,
  call: LiveCall,
  retriers: readonly LocalRetrier[] | undefined,
  execution: LocalExecution,
  attempt: (resume?: CallPhase) => Promise<Json>,
  resume?: CallPhase,
): Promise<Json> {
  const stateName = call.state;
  const label = `states retry ${execution.name} ${stateName}`;
  let resumed = resume;
  if (resumed?.kind === 'backoff') {
    call.phase = resumed;
    await options.clock.sleepUntil(new Date(resumed.wake), label);
    call.phase = undefined;
    resumed = undefined;
  }
  for (;;) {
    try {
      const phase = resumed;
      resumed = undefined;
      const output = await attempt(phase);
      if (call.retried) options.onTaskRecovered?.(call.callbackKey);
      options.onTaskSucceeded?.(execution, stateName);
      return output;
    } catch (error) {
      const name = errorNameOf(error);
      const index = retriers?.findIndex((r) => matchesError(r.ErrorEquals, name)) ?? -1;
      const retrier = retriers?.[index];
      if (!retrier) throw error;
      const used = call.counts[index] ?? 0;
      if (used >= (retrier.MaxAttempts ?? 3)) {
        if (call.retried) options.onTaskGaveUp?.(call.callbackKey, execution, stateName);
        throw error;
      }
      while (call.counts.length < index) call.counts.push(0);
      call.counts[index] = used + 1;
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
      call.retried = true;
      options.onTaskRetry?.(call.callbackKey, error);
      const wake = new Date(now.getTime() + waitMs);
      call.phase = { kind: 'backoff', wake: wake.toISOString() };
      await options.clock.sleepUntil(wake, label);
      call.phase = undefined;
    }
  }
}
