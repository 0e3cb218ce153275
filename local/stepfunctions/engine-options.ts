import type { LocalExecution } from './execution.js';

/** What the engine needs of the virtual clock. */
export interface EngineClock {
  now(): Date;
  /** `label` names the wait on the clock: every item the engine puts there starts with `states `. */
  sleepUntil(at: Date, label?: string): Promise<void>;
  /** Runs an execution as work the clock waits for before it advances (the simulator's clock provides it). */
  track?<T>(work: () => Promise<T>, label?: string): Promise<T>;
  /** Runs `fn` at `at` without parking the caller (the simulator's clock provides it); `cancel` takes it back. */
  schedule?(at: Date, label: string, fn: () => void): { cancel(): void };
  /** Marks the current work as waiting on something outside it (a task token), so the clock may advance. */
  park?<T>(promise: Promise<T>): Promise<T>;
}

export interface LocalStepFunctionsOptions {
  clock: EngineClock;
  /** Invokes a Lambda function in process: what a Task's Resource or FunctionName names. */
  invoke(functionArn: string, payload: unknown): Promise<unknown>;
  accountId?: string;
  region?: string;
  /** Jitter for Retry backoff (the simulator passes its seeded RNG). */
  random?: () => number;
  /**
   * Task tokens derived from this seed and their issue order instead of at random: one catalog and seed hand out
   * the same tokens in every run, so links and decision proofs over them agree between a live and a saved run.
   */
  tokenSeed?: string;
  /** Told when a task attempt fails and will be retried, and when a task that was retried succeeds. */
  onTaskRetry?(key: string, error: unknown): void;
  onTaskRecovered?(key: string): void;
  /** Told when a task's retrier ran out of attempts (its Catch takes the error), and when any task succeeds. */
  onTaskGaveUp?(key: string, execution: LocalExecution, stateName: string): void;
  onTaskSucceeded?(execution: LocalExecution, stateName: string): void;
}
