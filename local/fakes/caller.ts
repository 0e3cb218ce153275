import { AsyncLocalStorage } from 'node:async_hooks';
import { classifyError } from '../../core/errors/classify.js';

/** Which of our functions is making SDK calls now, and how it was invoked (so a failed call can say who handles it). */
export interface Caller {
  /** The function's logical id, e.g. `StartBuildsFn…`, or a state name for a Step Functions task. */
  readonly name: string;
  /** `task`: a Step Functions task (the state machine's Retry/Catch); `async`: an event, schedule or notice. */
  readonly via: 'task' | 'async' | 'sync';
}

const storage = new AsyncLocalStorage<Caller>();

/** Runs `work` as `caller`: SDK calls made inside it are attributed to it. */
export function asCaller<T>(caller: Caller, work: () => Promise<T>): Promise<T> {
  return storage.run(caller, work);
}

/** What the system does about a call of the current caller that failed with `error`. */
function handling(caller: Caller, error: unknown): string {
  const kind = classifyError(error);
  if (caller.via === 'task') {
    return kind === 'transient'
      ? `${caller.name}: the state machine retries the task with backoff (transient)`
      : `${caller.name}: the task fails into its Catch (permanent)`;
  }
  if (caller.via === 'async') {
    return kind === 'transient'
      ? `${caller.name}: Lambda retries the delivery, then dead-letters it; the reconciler re-derives the work (transient)`
      : `${caller.name}: the invocation fails and is dead-lettered (permanent)`;
  }
  return `${caller.name}: the error is returned to the caller (${kind})`;
}

/** The current caller, with how it handles a failed call; undefined outside any invocation. */
export function currentCaller(): { name: string; handling(error: unknown): string } | undefined {
  const c = storage.getStore();
  return c ? { name: c.name, handling: (e) => handling(c, e) } : undefined;
}
