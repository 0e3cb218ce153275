import { type Work, WorkTracker } from './clock-work.js';
import { ScheduleHeap } from './schedule-heap.js';

/**
 * A virtual clock for the discrete-event simulation. Nothing here reads the wall clock: time only moves when
 * `run` takes the next scheduled item. Before moving on, `run` waits until the work that item started has either
 * settled or parked itself on the clock (`sleep`), so real I/O (a loopback DynamoDB call) finishes at the virtual
 * instant that started it.
 */

interface Item {
  readonly at: number;
  readonly seq: number;
  readonly label: string;
  readonly fn: () => unknown;
  readonly remake: Remake | undefined;
  cancelled: boolean;
}

/**
 * What re-creates a pending item in another process (a saved cloud opened again): a kind its owner registers and
 * plain JSON data. An item without one is a closure only this process can run.
 */
export interface Remake {
  readonly kind: string;
  readonly data?: unknown;
}

/** A pending item as a save lists it. */
export interface PendingItem {
  readonly at: number;
  readonly label: string;
  readonly remake: Remake | undefined;
}

export interface Scheduled {
  readonly at: number;
  readonly label: string;
  cancel(): void;
}

export interface RunResult {
  /** Items run. */
  readonly steps: number;
  /** Virtual time after the run (ms since the epoch). */
  readonly now: number;
}

export interface ClockOptions {
  /** Real milliseconds `run` waits for busy work before failing with the labels of what is stuck (default 30s). */
  readonly stallTimeoutMs?: number;
}

function toMillis(at: number | Date | string): number {
  const ms = typeof at === 'number' ? at : new Date(at).getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${String(at)}`);
  return ms;
}

export class VirtualClock extends WorkTracker {
  private current: number;
  private seq = 0;
  /**
   * Sequence numbers of items put ahead of the others at their instant (`ahead`): below every other
   * item's, counting up, so they run in the order they were put.
   */
  private firstSeq = Number.MIN_SAFE_INTEGER;
  /** Above 0 while `ahead` runs: what is scheduled then goes ahead of every item already due at its instant. */
  private aheadDepth = 0;
  private readonly heap = new ScheduleHeap<Item>();
  private failure: Error | undefined;

  constructor(start: number | Date | string, options: ClockOptions = {}) {
    super(options.stallTimeoutMs ?? 30_000);
    this.current = toMillis(start);
  }

  /** Virtual now, ms since the epoch. */
  now(): number {
    return this.current;
  }

  /** Virtual now as a Date. */
  date(): Date {
    return new Date(this.current);
  }

  /** Virtual now as an ISO-8601 string. */
  iso(): string {
    return this.date().toISOString();
  }

  /** Items still waiting to run. */
  pending(): number {
    return this.heap.all().filter((i) => !i.cancelled).length;
  }

  /**
   * Runs `fn` at virtual time `at` (never earlier than now). Items at equal times run in the order they were
   * scheduled. If `fn` returns a promise, the clock waits for it (unless it parks on the clock) before advancing.
   */
  schedule(at: number | Date | string, label: string, fn: () => unknown, remake?: Remake): Scheduled {
    return this.push(at, this.aheadDepth > 0 ? this.firstSeq++ : this.seq++, label, fn, remake);
  }

  /**
   * Runs `put`, and what it schedules goes ahead of every item already due at its instant, in the order `put`
   * schedules it (after what an earlier `ahead` put there): what a straight run had on the clock since its start,
   * put on a saved cloud opened at that instant (the stacks' schedule runs, the fleets' checks, then a request
   * journaled there). What the items do when they run is scheduled as usual.
   */
  ahead<T>(put: () => T): T {
    this.aheadDepth++;
    try {
      return put();
    } finally {
      this.aheadDepth--;
    }
  }

  private push(at: number | Date | string, seq: number, label: string, fn: () => unknown, remake?: Remake): Scheduled {
    const item: Item = { at: Math.max(toMillis(at), this.current), seq, label, fn, remake, cancelled: false };
    this.heap.push(item);
    this.touch();
    return {
      at: item.at,
      label,
      cancel: () => {
        item.cancelled = true;
      },
    };
  }

  /** Runs `fn` `ms` virtual milliseconds from now. */
  after(ms: number, label: string, fn: () => unknown, remake?: Remake): Scheduled {
    return this.schedule(this.current + ms, label, fn, remake);
  }

  /** The items still waiting to run, in the order they will run. */
  pendingItems(): PendingItem[] {
    return this.heap
      .all()
      .filter((i) => !i.cancelled)
      .sort((a, b) => a.at - b.at || a.seq - b.seq)
      .map(({ at, label, remake }) => ({ at, label, remake }));
  }

  /**
   * Sets virtual now to `at` and drops every pending item: a saved cloud opened in a fresh one, whose start put
   * items on the clock that the saved cloud had run or re-arms itself. Refused while work is busy.
   */
  moveTo(at: number | Date | string): void {
    const busy = this.busy();
    if (busy.length > 0)
      throw new Error(`the clock cannot move while work runs: ${busy.map((w) => w.label).join(', ')}`);
    while (this.heap.peek()) this.heap.pop();
    this.current = toMillis(at);
  }

  /** Resolves when virtual time reaches `at`; the caller's tracked work counts as parked meanwhile. */
  sleepUntil(at: number | Date | string, label = 'sleep'): Promise<void> {
    const chain = this.chain(this.context.getStore());
    for (const w of chain) w.parked++;
    return new Promise((resolve) => {
      this.schedule(at, label, () => {
        for (const w of chain) w.parked--;
        resolve();
      });
    });
  }

  /** Resolves after `ms` virtual milliseconds. */
  sleep(ms: number, label = 'sleep'): Promise<void> {
    return this.sleepUntil(this.current + Math.max(0, ms), label);
  }

  /**
   * Runs every item due up to `until` (inclusive), settling after each; then sets now to `until`. `onStep` is told
   * the virtual time after each item (progress reporting, the streamed timeline); it may read state — a promise it
   * returns is awaited before the next item — but must not schedule work. With `before`, items due exactly at
   * `until` stay pending (a saved cloud stops there, before them, as a replay would reach that instant).
   */
  async run(
    until: number | Date | string,
    onStep?: (now: number) => void | Promise<void>,
    options: { before?: boolean } = {},
  ): Promise<RunResult> {
    const end = toMillis(until);
    let steps = 0;
    await this.settle();
    for (;;) {
      const item = this.heap.peek();
      if (!item || item.at > end || (options.before && item.at === end)) break;
      this.heap.pop();
      if (item.cancelled) continue;
      this.current = item.at;
      steps++;
      const entry: Work = { label: item.label, parent: undefined, parked: 0, settled: false };
      const result = this.context.run(entry, item.fn);
      // Nobody else awaits an item's promise, so its failure is reported by `run` rather than lost.
      if (result instanceof Promise) {
        this.watch(entry, result, (error) => {
          this.failure ??= new Error(`scheduled item "${item.label}" failed at ${this.iso()}`, { cause: error });
        });
      }
      await this.settle();
      if (this.failure) {
        const failure = this.failure;
        this.failure = undefined;
        throw failure;
      }
      const observed = onStep?.(this.current);
      if (observed) await observed;
    }
    if (end > this.current) this.current = end;
    return { steps, now: this.current };
  }

  /**
   * Advances time only as far as needed for `promise` to settle (e.g. an SDK call whose retries back off on the
   * virtual clock), then returns its outcome. Fails if nothing is left to run and it is still pending.
   */
  async runUntilSettled<T>(promise: Promise<T>, limit: number | Date | string = Number.MAX_SAFE_INTEGER): Promise<T> {
    let done = false;
    const mark = (): void => {
      done = true;
    };
    promise.then(mark, mark);
    await this.settle();
    const end = toMillis(limit);
    while (!done) {
      const item = this.heap.peek();
      if (!item) throw new Error(`nothing is scheduled at ${this.iso()}, but the awaited work is still pending`);
      if (item.at > end) break;
      await this.run(item.at);
    }
    return promise;
  }
}
