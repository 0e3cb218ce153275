/**
 * Makes `Date` read the virtual clock for the length of a simulation, so handlers that stamp records with
 * `new Date()` or `Date.now()` write virtual times — production code stays unaware it runs locally.
 * `instanceof Date` and every Date method keep working: only "now" changes.
 */
export function installVirtualDate(now: () => number): () => void {
  const RealDate = globalThis.Date;
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
  };
}
