import { defineConfig } from 'vitest/config';

// The unit tests that pin core/'s decisions, for mutation testing (stryker.config.mjs). The folders left out build
// bundles, synthesize apps or run whole simulations: they reach core only through far slower paths; `docs` checks
// the pages and examples, with the components link Stryker's sandbox does not copy.
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    execArgv: ['--experimental-async-context-frame'],
    setupFiles: ['test/setup-env.ts'],
    globalSetup: ['test/global-setup.ts'],
    include: ['test/unit/**/*.test.ts'],
    exclude: ['test/unit/{bundle,build,simulator,cli,aws,local,eventbridge,docs}/**', 'test/unit/*.test.ts'],
  },
});
