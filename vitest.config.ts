import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Two projects: the stack tests synthesize CDK apps and share one module registry per worker (isolate: false), so
// aws-cdk-lib and the stacks load once per worker instead of once per file (they keep no state between tests but
// the catalog, which each test sets); everything else runs isolated, since the local cloud configures module-level
// SDK clients per test file.
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
    setupFiles: ['test/setup.ts'],
    // A temp folder of the run's own; the run fails if a test leaves anything in it (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    projects: [
      { extends: true, test: { name: 'stacks', include: ['test/stacks/**/*.test.ts'], isolate: false } },
      { extends: true, test: { name: 'local', include: ['test/**/*.test.ts'], exclude: ['test/stacks/**'] } },
    ],
  },
});
