import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { sharedRegistryTestFiles } from './test/isolation.js';
import SlowestFirstSequencer from './test/sequencer.js';

const ROOT = import.meta.dirname;
// Test files of pure code (core/, events/, fixtures) that mock nothing: they share one module registry per worker
// (test/isolation.ts says which and why), instead of paying a process and a fresh import of their modules each.
const SHARED = sharedRegistryTestFiles(ROOT).filter((file) => !file.startsWith('test/stacks/'));
// Test files that reach the local cloud, aws/, functions/ or the CLI but mock nothing and touch no process-wide
// state themselves (test/isolation.ts): they share one module registry per worker too, with the state of ours that
// outlives a file reset after each (test/setup-shared-cloud.ts).
const PURE = new Set(SHARED);
/**
 * Scenario files that replay a saved cloud once per command, as a new process would: they keep a process each (not
 * measured shared; acting-sequence mocks, so it would be isolated anyway).
 */
const SAVED_CLOUD_REPLAYS = [
  'test/scenarios/acting-sequence.test.ts',
  'test/scenarios/operator-cli.test.ts',
  'test/scenarios/saved-seed.test.ts',
  'test/scenarios/serve.test.ts',
];
const SHARED_CLOUD = sharedRegistryTestFiles(ROOT, 'test', 'cloud').filter(
  (file) => !PURE.has(file) && !file.startsWith('test/stacks/'),
);
const CLOUD = SHARED_CLOUD.filter((file) => !file.startsWith('test/scenarios/'));
// The scenario files that pass the same checks: each runs its simulations in `beforeAll`, and shares a worker with
// the next scenario file, its imports (the local cloud, the SDK, the functions) already loaded. One that ends with a
// cloud still running (a `beforeAll` out of time) fails, and the worker waits for that cloud to stop before the next
// file (test/setup-shared-cloud.ts).
const SCENARIOS = sharedRegistryTestFiles(ROOT, 'test/scenarios', 'scenarios').filter(
  (file) => !SAVED_CLOUD_REPLAYS.includes(file),
);

// Five projects. The stack tests synthesize CDK apps and share one module registry per worker (isolate: false), so
// aws-cdk-lib and the stacks load once per worker instead of once per file (they keep no state between tests but
// the catalog, which each test sets). The pure tests (SHARED above), the cloud tests (CLOUD) and the scenario files
// (SCENARIOS) share one too: a fresh process per file costs more than most of them take to run, and several seconds
// of CPU for a file that imports the local cloud. The rest (`local`: files that mock modules or SDK clients, spy, set
// the environment, and the saved-cloud replays) runs isolated, a process per file.
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One worker per core. vitest's default leaves one core to its own process (cores - 1: a single worker on a 2-core
    // CI machine), but that process only waits while the workers run the simulations that are most of the suite.
    maxWorkers: availableParallelism(),
    // As `npm start` and bin/goldsmith.mjs run Node: AsyncLocalStorage on V8's context frame (bin/goldsmith.mjs).
    execArgv: ['--experimental-async-context-frame'],
    // The dearest files first, so that none of them is the run's tail (test/sequencer.ts).
    sequence: { sequencer: SlowestFirstSequencer },
    setupFiles: ['test/setup.ts'],
    // A temp folder of the run's own; the run fails if a test leaves anything in it (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    projects: [
      { extends: true, test: { name: 'stacks', include: ['test/stacks/**/*.test.ts'], isolate: false } },
      { extends: true, test: { name: 'pure', include: SHARED, isolate: false } },
      {
        extends: true,
        test: { name: 'cloud', include: CLOUD, isolate: false, setupFiles: ['test/setup-shared-cloud.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'scenarios',
          include: SCENARIOS,
          isolate: false,
          setupFiles: ['test/setup-shared-cloud.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'local',
          include: ['test/**/*.test.ts'],
          exclude: ['test/stacks/**', ...SHARED, ...CLOUD, ...SCENARIOS],
        },
      },
    ],
  },
});
