import type { FailureRecorder } from '../lib/failed-invocations.js';
import { handlerFor } from '../lib/middleware.js';

/**
 * Wraps a promotion function's plain `(input) => output` for Lambda with the shared Goldsmith chain (Powertools
 * metrics, logger context, tracer). Each function parses its own input with zod, so the plain function stays safe to
 * call directly (tests, the local simulator) and the chain's parse step passes the event through.
 * Errors propagate: Step Functions and EventBridge must see them to Retry, Catch or dead-letter. A function also
 * invoked asynchronously, with an on-failure destination, passes `recordFailure` (functions/lib/middleware.ts).
 */
export function taskHandler<I, O>(name: string, task: (input: I) => Promise<O>, recordFailure?: FailureRecorder) {
  return handlerFor<I, O>({
    name,
    parse: (raw) => raw as I,
    handle: (input) => task(input),
    ...(recordFailure ? { recordFailure } : {}),
  });
}
