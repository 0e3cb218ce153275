/**
 * Makes `Date` read the virtual clock for the length of a simulation, so handlers that stamp records with
 * `new Date()` or `Date.now()` write virtual times — production code stays unaware it runs locally.
 * `instanceof Date` and every Date method keep working: only "now" changes.
 */
export function installVirtualDate(now: () => number): () => void {
  const RealDate = globalThis.Date;
  realDate = RealDate;
  function VirtualDate(this: unknown, ...args: unknown[]): unknown {
    if (!new.target) return new RealDate(now()).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [now()] : args, new.target);
  }
  Object.setPrototypeOf(VirtualDate, RealDate);
  VirtualDate.prototype = RealDate.prototype;
  Object.defineProperty(VirtualDate, 'now', { value: now, writable: true, configurable: true });
  globalThis.Date = VirtualDate as unknown as DateConstructor;
  return () => {
    globalThis.Date = RealDate;
    realDate = undefined;
  };
}

/** The real `Date` while a virtual one is installed. */
let realDate: DateConstructor | undefined;

/**
 * Whether a virtual `Date` is installed: a local cloud is running in this process (from its start until it stops).
 * What the test files sharing a worker check after each file, so that none runs beside a cloud the previous one left.
 */
export function virtualDateInstalled(): boolean {
  return realDate !== undefined;
}

/**
 * Runs `fn` with the real `Date` back for its length, then the virtual one again. Only for work no simulated code
 * runs beside (the local cloud's set-up, before the clock runs anything): whatever else runs meanwhile reads real time.
 *
 * What needs it: tsx, the loader that compiles our TypeScript as it is imported, keeps its compiled files on disk
 * under windows of `Date.now()` and deletes those more than seven windows (about eight days) older than now. A
 * module first imported in virtual time (2027, or later) is looked up, missed and stored under a virtual window, and
 * the clean-up that follows deletes every file stored in real time: the next run of any command compiled everything
 * again (about 2 s of CPU per run).
 */
export async function withRealDate<T>(fn: () => Promise<T>): Promise<T> {
  const RealDate = realDate;
  if (!RealDate) return fn();
  const virtual = globalThis.Date;
  globalThis.Date = RealDate;
  try {
    return await fn();
  } finally {
    globalThis.Date = virtual;
  }
}
