import { setTimeout as sleep } from 'node:timers/promises';

/** How long a shared worker waits for a cloud a file left running before it gives up on it. */
export const STRAY_CLOUD_LIMIT_MS = 600_000;

/**
 * The end of a test file in a worker it shares with the next file (the `cloud` and `scenarios` projects,
 * vitest.config.ts): if a local cloud is still running (`running()`: a simulation whose `beforeAll` ran out of time
 * goes on in the background, or a cloud a test never stopped), waits until it stops, so that the next file never
 * runs beside it, then fails naming `file`: a file passes only if everything it started had ended when it did.
 * Gives up after `limitMs` (a cloud nobody will stop), failing the same way. Waits in real time (`performance`):
 * `Date` reads the stray cloud's virtual clock while it runs.
 */
export async function awaitStrayCloud(
  file: string,
  running: () => boolean,
  { limitMs = STRAY_CLOUD_LIMIT_MS, pollMs = 100 }: { limitMs?: number; pollMs?: number } = {},
): Promise<void> {
  if (!running()) return;
  const started = performance.now();
  while (running() && performance.now() - started < limitMs) await sleep(pollMs);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (running()) {
    throw new Error(
      `${file} ended with a local cloud still running, and it was still running ${seconds} s later: ` +
        "stop every cloud a test starts (a simulation's beforeAll that runs out of time leaves its run going on)",
    );
  }
  throw new Error(
    `${file} ended with a local cloud still running (a simulation that ran out of time, or a cloud not stopped); ` +
      `its worker waited ${seconds} s for it to stop before the next file`,
  );
}
