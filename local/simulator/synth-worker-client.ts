import { Worker } from 'node:worker_threads';
import type { Catalog } from '../../core/config/schema.js';
import type { SynthesizedApp } from './synth.js';

/**
 * The Goldsmith stacks synthesized as synthesizeApp does, in a worker thread: the simulator needs only the
 * templates and handler paths, and aws-cdk-lib with SST (about 250 MB of code and heap once loaded) and the
 * construct tree (which SST's stack cache keeps for the life of the process, with each stack's 4 MB custom
 * resource source as an asset fingerprint) are then released with the thread instead of staying for the whole
 * simulated run (or, for the bundle report, through the benchmarks that follow it in the same process).
 */
export function synthesizeInWorker(
  catalog: Catalog,
  options: { root: string; stage?: string; region?: string; accountId?: string },
  /** Names of GOLDSMITH_STACKS' stack functions to synthesize (deploy order kept); all of them by default. */
  stacks?: readonly string[],
): Promise<SynthesizedApp> {
  const worker = new Worker(new URL('./synth-worker.mjs', import.meta.url), {
    workerData: { catalog, options, stacks },
  });
  return new Promise<SynthesizedApp>((resolve, reject) => {
    let app: SynthesizedApp | undefined;
    worker.once('message', (message: SynthesizedApp) => {
      app = message;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (app) resolve(app);
      else reject(new Error(`stack synthesis worker exited with code ${code} and no templates`));
    });
  });
}
