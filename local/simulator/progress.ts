/** What the simulator tells a progress display after each step of virtual time. */
export interface ProgressTick {
  /** Virtual time now (ms since the epoch). */
  now: number;
  start: number;
  until: number;
  builds: number;
  promotions: number;
}

export type ProgressListener = (tick: ProgressTick) => void;

/** Whether a run should show progress: long runs only, on a terminal, never under --json or in CI. */
export function wantsProgress(opts: {
  json: boolean;
  isTTY: boolean | undefined;
  env: NodeJS.ProcessEnv;
  spanMs: number;
}): boolean {
  const quarter = 92 * 86_400_000;
  return !opts.json && opts.isTTY === true && !opts.env.CI && opts.spanMs > quarter;
}

/**
 * A one-line progress display (rewritten in place with `\r`): simulated date, builds, promotions, percentage and
 * an ETA extrapolated from wall time so far. Writes at most every `everyMs` of wall time; `done()` ends the line.
 */
export function progressLine(
  write: (text: string) => void,
  opts: { everyMs?: number; wallNow?: () => number } = {},
): { tick: ProgressListener; done: () => void; interrupt: () => void } {
  const wallNow = opts.wallNow ?? (() => performance.now());
  const every = opts.everyMs ?? 500;
  const began = wallNow();
  let last = Number.NEGATIVE_INFINITY;
  let shown = false;
  return {
    tick(t) {
      const wall = wallNow();
      if (wall - last < every) return;
      last = wall;
      const fraction = Math.min(1, Math.max(0, (t.now - t.start) / Math.max(1, t.until - t.start)));
      const elapsed = (wall - began) / 1000;
      const eta = fraction > 0 ? Math.max(0, elapsed / fraction - elapsed) : Number.NaN;
      const date = new Date(t.now).toISOString().slice(0, 10);
      const etaText = Number.isFinite(eta) ? `ETA ${Math.ceil(eta)} s` : 'ETA —';
      write(`\r${date}  ${Math.round(fraction * 100)}%  builds ${t.builds}  promotions ${t.promotions}  ${etaText}   `);
      shown = true;
    },
    done() {
      if (shown) write('\n');
    },
    /** Erases the line (other output is about to go to the terminal); the next tick draws it again. */
    interrupt() {
      if (!shown) return;
      write('\r\x1b[2K');
      shown = false;
      last = Number.NEGATIVE_INFINITY;
    },
  };
}
