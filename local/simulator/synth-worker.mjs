// The worker thread of synthesizeInWorker (synth-worker-client.ts): synthesizes the Goldsmith stacks and posts the
// templates and handler paths back. aws-cdk-lib, SST and the construct tree live and die with this thread.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

// No compile cache in this thread: measured on the benchmark catalog, it saved under a second of the ~10 s synthesis
// but raised the process's peak by ~50 MB and left ~40 MB more behind after the thread ended.
register();
const [{ synthesizeApp }, { GOLDSMITH_STACKS }] = await Promise.all([
  import('./synth.ts'),
  import('../../stacks/app.ts'),
]);

/** One synthesis: a subset of the stacks by name, in GOLDSMITH_STACKS' (deploy) order, when asked; all otherwise. */
function synthesize({ catalog, options, stacks: names }) {
  const stacks = names ? GOLDSMITH_STACKS.filter((fn) => names.includes(fn.name)) : GOLDSMITH_STACKS;
  const missing = (names ?? []).filter((name) => !stacks.some((fn) => fn.name === name));
  if (missing.length > 0) throw new Error(`no such stack in GOLDSMITH_STACKS: ${missing.join(', ')}`);
  // This thread holds no other app: what each synthesis leaves in aws-cdk-lib and SST is released (synth-release.ts).
  return synthesizeApp(catalog, stacks, { ...options, release: true });
}

if (workerData.kept) {
  // A kept thread (keepSynthesisWorker): one request at a time, each answered with its app or its error's message;
  // the client sends the next only after the answer, since synthesis sets the stacks' catalog for the whole thread.
  parentPort.on('message', async (request) => {
    try {
      parentPort.postMessage({ app: await synthesize(request) });
    } catch (error) {
      parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
    }
  });
} else {
  parentPort.postMessage(await synthesize(workerData));
}
