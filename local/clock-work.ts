import { AsyncLocalStorage } from 'node:async_hooks';

/** A unit of async work the clock waits for; it is "parked" while some part of it sleeps on the clock. */
export interface Work {
  readonly label: string;
  readonly parent: Work | undefined;
  parked: number;
  settled: boolean;
}

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The virtual clock's work tracking: the async work `run` waits for before it advances, and which of it is parked
 * on the clock. `VirtualClock` extends it, so these stay plain method calls on the clock.
 */
export abstract class WorkTracker {
  protected readonly work = new Set<Work>();
  protected readonly context = new AsyncLocalStorage<Work>();
  private activity = 0;
  private wakeWaiter: (() => void) | undefined;
  private readonly stallTimeoutMs: number;

  constructor(stallTimeoutMs: number) {
    this.stallTimeoutMs = stallTimeoutMs;
  }

  /** Virtual now as an ISO-8601 string. */
  abstract iso(): string;

  /** Marks that something happened, so `run` keeps settling before it advances (fakes call this per request). */
  touch(): void {
    this.activity++;
    this.signal();
  }

  /**
   * Marks the caller's tracked work as waiting on something outside it (a task token, an approval) until `promise`
   * settles, so the clock may advance meanwhile. Returns `promise`.
   */
  park<T>(promise: Promise<T>): Promise<T> {
    const chain = this.chain(this.context.getStore());
    for (const w of chain) w.parked++;
    this.touch();
    const unpark = (): void => {
      for (const w of chain) w.parked--;
      this.touch();
    };
    promise.then(unpark, unpark);
    return promise;
  }

  /**
   * Makes the clock wait for this work before advancing. Pass a function to run it inside the tracked context (so
   * its own `sleep` calls park it); pass a promise for plain I/O.
   */
  track<T>(work: Promise<T> | (() => Promise<T>), label = 'work'): Promise<T> {
    const entry: Work = { label, parent: this.context.getStore(), parked: 0, settled: false };
    const promise = typeof work === 'function' ? this.context.run(entry, work) : work;
    this.watch(entry, promise, () => undefined);
    return promise;
  }

  /**
   * Tracks `work` as work of its own, not part of the caller's: something the caller sets going but does not wait
   * for (a person answering a message the caller published). Its sleeps park it alone: the caller's own work stays
   * busy, and the clock waits for it, while this one sleeps.
   */
  trackApart<T>(work: () => Promise<T>, label = 'work'): Promise<T> {
    return this.context.exit(() => this.track(work, label));
  }

  /** Waits until no tracked work is busy and a few event-loop turns pass with nothing new happening. */
  async settle(): Promise<void> {
    let quiet = 0;
    while (quiet < 2) {
      const mark = this.activity;
      await macrotask();
      const busy = this.busy();
      if (busy.length > 0) {
        quiet = 0;
        await this.waitForChange(busy);
        continue;
      }
      quiet = mark === this.activity ? quiet + 1 : 0;
    }
  }

  protected watch(entry: Work, promise: Promise<unknown>, onError: (error: unknown) => void): void {
    this.work.add(entry);
    this.touch();
    const done = (): void => {
      entry.settled = true;
      this.work.delete(entry);
      this.touch();
    };
    promise.then(done, (error: unknown) => {
      onError(error);
      done();
    });
  }

  /** The labels of the tracked work busy now (not parked on the clock): what `settle` waits for. */
  busyLabels(): string[] {
    return this.busy().map((w) => w.label);
  }

  protected busy(): Work[] {
    return [...this.work].filter((w) => !w.settled && w.parked === 0);
  }

  private waitForChange(busy: Work[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wakeWaiter = undefined;
        reject(new Error(`virtual clock stalled at ${this.iso()}: ${busy.map((w) => w.label).join(', ')}`));
      }, this.stallTimeoutMs);
      this.wakeWaiter = () => {
        clearTimeout(timer);
        this.wakeWaiter = undefined;
        resolve();
      };
    });
  }

  private signal(): void {
    this.wakeWaiter?.();
  }

  protected chain(start: Work | undefined): Work[] {
    const out: Work[] = [];
    for (let w = start; w; w = w.parent) out.push(w);
    return out;
  }
}
