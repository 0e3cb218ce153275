import { classifyError } from '../../core/errors/classify.js';

/** One of our functions and how it was invoked (so a failed call can say who handled it). */
export interface Caller {
  /** The function's logical id, e.g. `StartBuildsFn…`, or a state name for a Step Functions task. */
  readonly name: string;
  /** `task`: a Step Functions task (the state machine's Retry/Catch); `async`: an event, schedule or notice. */
  readonly via: 'task' | 'async' | 'sync';
}

/** What the system does about a call of `caller` that failed with `error`. */
export function handling(caller: Caller, error: unknown): string {
  const kind = classifyError(error);
  if (caller.via === 'task') {
    return kind === 'transient'
      ? `${caller.name}: the state machine retries the task with backoff (transient)`
      : `${caller.name}: the task fails into its Catch (permanent)`;
  }
  if (caller.via === 'async') {
    return kind === 'transient'
      ? `${caller.name}: Lambda retries the delivery, then dead-letters it; the re-drive invokes it again (transient)`
      : `${caller.name}: the invocation fails and is dead-lettered (permanent)`;
  }
  return `${caller.name}: the error is returned to the caller (${kind})`;
}

/** Failed calls by the error they threw, until the invocation that made them says how it handled them. */
const byError = new WeakMap<object, { handledBy: string }>();

/** Remembers a failed call's record under its error (the record says "caught" until told otherwise). */
export function rememberFailure(error: unknown, record: { handledBy: string }): void {
  if (typeof error === 'object' && error !== null) byError.set(error, record);
}

/**
 * Called where an invocation of ours failed with `error`: every failed call whose error it is (or caused it) is
 * attributed to `caller` and what happens next. No async context tracking: the error itself carries the link.
 */
export function attributeFailure(caller: Caller, error: unknown): void {
  const seen = new Set<unknown>();
  for (
    let e: unknown = error;
    typeof e === 'object' && e !== null && !seen.has(e);
    e = (e as { cause?: unknown }).cause
  ) {
    seen.add(e);
    const record = byError.get(e);
    if (record) record.handledBy = handling(caller, e);
  }
}
