import { Worker } from 'node:worker_threads';
import type { Catalog } from '../../core/config/schema.js';
import type { SynthesizedApp } from './synth.js';

type SynthOptions = { root: string; stage?: string; region?: string; accountId?: string };

const WORKER_URL = new URL('./synth-worker.mjs', import.meta.url);

/**
 * The Goldsmith stacks synthesized as synthesizeApp does, in a worker thread: the simulator needs only the
 * templates and handler paths, and aws-cdk-lib with SST (about 250 MB of code and heap once loaded) and the
 * construct tree (which SST's stack cache keeps for the life of the process, with each stack's 4 MB custom
 * resource source as an asset fingerprint) are then released with the thread instead of staying for the whole
 * simulated run (or, for the bundle report, through the benchmarks that follow it in the same process).
 * After keepSynthesisWorker, a kept thread synthesizes instead, one catalog at a time.
 */
export function synthesizeInWorker(
  catalog: Catalog,
  options: SynthOptions,
  /** Names of GOLDSMITH_STACKS' stack functions to synthesize (deploy order kept); all of them by default. */
  stacks?: readonly string[],
): Promise<SynthesizedApp> {
  if (keeping) return inKeptWorker(keeping, { catalog, options, stacks });
  const worker = new Worker(WORKER_URL, { workerData: { catalog, options, stacks } });
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

interface Keeping {
  /** Syntheses a thread serves before it is ended and the next request starts a new one. */
  readonly maxSyntheses: number;
  thread?: { worker: Worker; served: number };
  /** The request in flight (or the last): the next waits for it, as the thread synthesizes one catalog at a time. */
  queue: Promise<unknown>;
}

let keeping: Keeping | undefined;

/**
 * Makes this process keep its synthesis thread between syntheses (the test workers, which synthesize a catalog per
 * test file): importing aws-cdk-lib, SST and the stacks costs a thread about 7 s of CPU here, a synthesis about
 * 1.5 s. SST's stack cache keeps every app the thread made (about 65 MB each, measured), so a thread is ended after
 * `maxSyntheses` and the next request starts a fresh one. An idle thread does not keep the process alive. `false`
 * goes back to a thread per synthesis (the default). Returns the setting it replaced.
 */
export function keepSynthesisWorker(maxSyntheses: number | false): number | false {
  if (maxSyntheses !== false && (!Number.isInteger(maxSyntheses) || maxSyntheses < 1)) {
    throw new Error(`maxSyntheses must be false or a whole number of at least 1, not ${maxSyntheses}`);
  }
  const before = keeping?.maxSyntheses ?? false;
  if (before === maxSyntheses) return before;
  // A thread still synthesizing finishes its request (queued requests too); it is ended once idle.
  const old = keeping;
  if (old) void old.queue.then(() => old.thread?.worker.terminate());
  keeping = maxSyntheses === false ? undefined : { maxSyntheses, queue: Promise.resolve() };
  return before;
}

function inKeptWorker(
  keep: Keeping,
  request: { catalog: Catalog; options: SynthOptions; stacks: readonly string[] | undefined },
): Promise<SynthesizedApp> {
  const answer = keep.queue.then(() => synthesizeInKept(keep, request));
  keep.queue = answer.catch(() => undefined);
  return answer;
}

function synthesizeInKept(keep: Keeping, request: object): Promise<SynthesizedApp> {
  if (keep.thread && keep.thread.served >= keep.maxSyntheses) {
    void keep.thread.worker.terminate();
    keep.thread = undefined;
  }
  keep.thread ??= { worker: new Worker(WORKER_URL, { workerData: { kept: true } }), served: 0 };
  const thread = keep.thread;
  const { worker } = thread;
  thread.served++;
  return new Promise<SynthesizedApp>((resolve, reject) => {
    const settle = () => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      worker.unref();
    };
    // A thread that failed or ended is not used again: the next request starts a new one.
    const drop = () => {
      if (keep.thread?.worker === worker) keep.thread = undefined;
    };
    const onMessage = (message: { app?: SynthesizedApp; error?: string }) => {
      settle();
      if (message.app) resolve(message.app);
      else reject(new Error(message.error ?? 'stack synthesis worker answered with no templates'));
    };
    const onError = (error: Error) => {
      settle();
      drop();
      void worker.terminate();
      reject(error);
    };
    const onExit = (code: number) => {
      settle();
      drop();
      reject(new Error(`stack synthesis worker exited with code ${code} and no templates`));
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.ref();
    worker.postMessage(request);
  });
}
