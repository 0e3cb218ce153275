import { deadLetterId } from '../../core/redrive/dead-letters.js';
import type { VirtualClock } from '../clock.js';
import { attributeFailure } from '../fakes/caller.js';
import type { Outages } from '../fakes/outages.js';
import { exportState, importState, type PlainState } from '../snapshot/plain-state.js';
import { type LocalLambdas, scriptedName } from './lambda.js';
import { unqualifiedFunctionArn, type Wiring } from './wiring.js';

/** An event whose invocation failed every retry (it goes to the function's on-failure destination, if any). */
export interface DeadLetter {
  at: string;
  target: string;
  reason: string;
  /** The error's name and message, as Lambda's destination record carries them. */
  errorType: string;
  errorMessage: string;
  event: unknown;
  /** The request id the handler saw (its context's `awsRequestId`), which Lambda's on-failure record carries. */
  requestId: string;
  /** The delivery's key in the outage bookkeeping. */
  key?: string;
  /** When the same invocation later succeeded, and how (`re-driven …`: the re-drive of a dead letter). */
  recovered?: { at: string; by: string };
  /** The event came from outside Goldsmith: a scenario's sender put it on a bus (senders.ts), not Goldsmith or AWS. */
  outside?: true;
}

export interface AsyncInvokerOptions {
  clock: VirtualClock;
  lambdas: LocalLambdas;
  wiring: Wiring;
  /** How many times the next async delivery (schedule, SNS) happens: at-least-once made visible. */
  copies(): number;
  /** Outage windows; a `lambda` window stops invocations themselves. */
  outages?: Outages;
  /** Told of every dead letter: the local cloud puts it in the function's on-failure destination queue, if any. */
  onDeadLetter?: (letter: DeadLetter) => void;
  /**
   * Told of what an asynchronous invocation returned: work it did on behalf of earlier failed deliveries (the
   * reconciler issuing a schedule firing whose invocation was lost) is marked done through `finishWork`.
   */
  onReturned?: (result: unknown) => void;
}

/** One asynchronous delivery's next attempt: `n` retries after a failure, `refused` after Lambda refused it. */
export interface Attempt {
  arn: string;
  event: unknown;
  label: string;
  key: string;
  requestId: string;
  n: number;
  refused: number;
  /** When a running invocation delivered the event: the time it held the streamed timeline to, held until this ends. */
  since?: number;
}

/** How long EventBridge and Scheduler wait before re-trying an invocation Lambda refused (an outage), at most. */
const INVOKE_RETRY_CAP_MS = 10 * 60_000;

/** Lambda's documented retry policy for asynchronous invocation: two retries, about one and two minutes apart. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];

/**
 * Invokes our functions the way their event sources do: synchronously for Step Functions tasks, asynchronously (own
 * clock item, Lambda's two retries, then the dead-letter queue) for EventBridge, Scheduler and SNS.
 */
export class AsyncInvoker {
  readonly deadLetters: DeadLetter[] = [];
  /** Copies delivered beyond the first (Scheduler and SNS are at-least-once too). */
  duplicates = 0;
  /** Every invocation of one of our functions (what Lambda bills), retries and duplicates included. */
  invocations = 0;

  constructor(private readonly options: AsyncInvokerOptions) {}

  /** Invocations and wall milliseconds per function (by logical id), longest first. */
  usage(): Record<string, { invocations: number; ms: number }> {
    const entries = [...this.options.lambdas.usage].sort((a, b) => b[1].ms - a[1].ms);
    return Object.fromEntries(entries.map(([name, u]) => [name, { invocations: u.invocations, ms: Math.round(u.ms) }]));
  }

  /**
   * The earliest time an invocation running now, or a delivery an invocation made that is still to run (its
   * retries included), holds the streamed timeline back to (virtual time), if any.
   */
  runningSince(): number | undefined {
    let earliest = this.options.lambdas.runningSince();
    // The deliveries' attempts on the clock (a saved cloud's re-armed ones included), read where they wait.
    for (const { remake } of this.options.clock.pendingItems()) {
      const since = remake?.kind === 'invoke' ? (remake.data as Attempt).since : undefined;
      if (since !== undefined && (earliest === undefined || since < earliest)) earliest = since;
    }
    return earliest;
  }

  private functionFor(arn: string): { name: string; handler: string; arn: string } {
    const fn = this.options.wiring.functions.get(unqualifiedFunctionArn(arn));
    if (!fn) throw new Error(`no local function for ${arn}`);
    return { name: fn.logicalId, handler: fn.handler, arn: unqualifiedFunctionArn(arn) };
  }

  /** A synchronous invocation (a Step Functions task by default): errors go back to the caller. */
  invokeSync(
    arn: string,
    payload: unknown,
    via: 'task' | 'async' | 'sync' = 'task',
    requestId?: string,
    since?: number,
  ): Promise<unknown> {
    const fn = this.functionFor(arn);
    this.invocations++;
    const invoked = this.options.lambdas.invoke(fn.name, fn.handler, payload, fn.arn, requestId, since);
    return invoked.catch((error: unknown) => {
      attributeFailure({ name: fn.name, via }, error);
      throw error;
    });
  }

  private deliveries = 0;
  /** Work whose invocation failed every retry, by identity: done when the same invocation next succeeds. */
  private readonly failedWork = new Map<string, DeadLetter[]>();
  /** The events a scenario's sender put on a bus, by their canonical digest: a dead letter of one is `outside`. */
  private readonly outside = new Set<string>();

  /** The names a scenario's `handler-fails` may give: each function's, as the timeline prints it. */
  functionNames(): string[] {
    return [...this.options.wiring.functions.values()].map((f) => scriptedName(f.logicalId)).sort();
  }

  /** The next `times` invocations of the function named `name` throw an error named `error` (`handler-fails`). */
  failNext(name: string, times: number, error: string): void {
    this.options.lambdas.failNext(name, times, error);
  }

  /** Marks `event` as put by someone outside Goldsmith (a scenario's sender): its dead letters say so. */
  markOutside(event: unknown): void {
    this.outside.add(deadLetterId({ target: '', payload: event }));
  }

  /**
   * One asynchronous delivery, as its own item on the clock at the current instant. While Lambda itself is down (a
   * `lambda` outage) the invocation is refused, and EventBridge / Scheduler retry it with backoff; once invoked, a
   * failing function gets Lambda's two retries, then the dead-letter queue. Work an outage held up is tracked
   * until the same invocation succeeds (a re-drive of its dead letter, or the next run of its schedule).
   */
  deliverAsync(arn: string, event: unknown, label: string): void {
    const { clock } = this.options;
    const key = `event:${++this.deliveries}:${label}`;
    // One request id for the delivery and its retries, from its virtual time and order (the same run gives the same
    // ids, a resumed cloud new ones); the handler records each failed attempt under the id it saw
    // (functions/lib/failed-invocations.ts), so the on-failure record names a recorded request either way.
    const second = Math.floor(clock.now() / 1000)
      .toString(16)
      .padStart(8, '0');
    const requestId = `${second}-0000-4000-8000-${this.deliveries.toString(16).padStart(12, '0')}`;
    const since = this.options.lambdas.heldByCaller();
    const attempt: Attempt = { arn, event, label, key, requestId, n: 0, refused: 0 };
    if (since !== undefined) attempt.since = since;
    this.arm(attempt, clock.now(), label);
  }

  /** Puts an attempt of a delivery on the clock, as plain data a saved cloud arms again (`rearm`). */
  private arm(attempt: Attempt, at: number, label: string): void {
    this.options.clock.schedule(at, label, () => this.attempt(attempt), { kind: 'invoke', data: attempt });
  }

  /** After a saved state was loaded: a delivery's pending attempt (from the saved clock) is armed again. */
  rearm(attempt: Attempt, at: number, label: string): void {
    this.arm(attempt, at, label);
  }

  private async attempt(d: Attempt): Promise<void> {
    const { clock, outages } = this.options;
    const { arn, event, label, key, requestId, n, refused, since } = d;
    if (outages?.isDown('lambda')) {
      outages.fail('lambda', 'invocation');
      outages.defer(key);
      const wait = Math.min(INVOKE_RETRY_CAP_MS, 60_000 * 2 ** refused);
      this.arm({ ...d, refused: refused + 1 }, clock.now() + wait, `${label} (invoke retry ${refused + 1})`);
      return;
    }
    try {
      const result = await this.invokeSync(arn, event, 'async', requestId, since);
      outages?.done(key);
      this.options.onReturned?.(result);
      // The same invocation succeeding (a re-drive, or the next run of a schedule with the same input) finishes
      // the work every earlier failed copy of it held up.
      if (this.failedWork.size > 0) {
        const identity = deadLetterId({ target: arn, payload: event });
        for (const earlier of this.failedWork.get(identity) ?? []) {
          if (earlier.key) outages?.done(earlier.key);
          earlier.recovered = { at: clock.iso(), by: label };
        }
        this.failedWork.delete(identity);
      }
    } catch (error) {
      outages?.defer(key);
      const errorType = error instanceof Error ? error.name : 'Error';
      const errorMessage = error instanceof Error ? error.message : String(error);
      const delay = ASYNC_RETRY_DELAYS_MS[n];
      if (delay === undefined) {
        const letter: DeadLetter = {
          at: clock.iso(),
          target: arn,
          reason: `${errorType}: ${errorMessage}`,
          errorType,
          errorMessage,
          event,
          requestId,
          key,
          ...(this.outside.has(deadLetterId({ target: '', payload: event })) ? { outside: true as const } : {}),
        };
        this.deadLetters.push(letter);
        this.options.onDeadLetter?.(letter);
        const identity = deadLetterId({ target: arn, payload: event });
        this.failedWork.set(identity, [...(this.failedWork.get(identity) ?? []), letter]);
        return;
      }
      this.arm({ ...d, n: n + 1 }, clock.now() + delay, `${label} (retry ${n + 1})`);
    }
  }

  /**
   * Marks done, now, the failed deliveries whose work another path finished (`done` says which, by their dead
   * letter): in the outage bookkeeping and as the dead letter's recovery, `by` naming that path.
   */
  finishWork(done: (letter: DeadLetter) => boolean, by: string): void {
    const { clock, outages } = this.options;
    for (const [identity, letters] of this.failedWork) {
      if (!letters.some(done)) continue;
      for (const earlier of letters) {
        if (earlier.key) outages?.done(earlier.key);
        earlier.recovered = { at: clock.iso(), by };
      }
      this.failedWork.delete(identity);
    }
  }

  /** What the invoker counts and holds (dead letters, failed work, tallies) as plain data, for a saved cloud. */
  saveState(): PlainState {
    return exportState(this.held());
  }

  /** Takes `saveState`'s data into this invoker, built fresh for the same cloud. */
  loadState(state: PlainState): void {
    const held = this.held();
    importState(held, state);
    this.deliveries = held.deliveries;
    this.duplicates = held.duplicates;
    this.invocations = held.invocations;
  }

  private held() {
    return {
      deliveries: this.deliveries,
      duplicates: this.duplicates,
      invocations: this.invocations,
      deadLetters: this.deadLetters,
      failedWork: this.failedWork,
      outside: this.outside,
      usage: this.options.lambdas.usage,
      scripted: this.options.lambdas.scripted,
    };
  }

  /** Delivers `event` as many times as the scenario's at-least-once setting says. */
  deliverRepeatedly(arn: string, event: unknown, label: string): void {
    const copies = this.options.copies();
    for (let i = 0; i < copies; i++) this.deliverAsync(arn, event, label);
    this.duplicates += copies - 1;
  }
}
