// @ts-check
/**
 * Mutation testing of core/ (`npm run mutation`, docs/testing/mutation.md): Stryker changes core's code in small ways and
 * checks that some unit test fails. Only the unit tests run (vitest.mutation.config.ts), one process at a time: the
 * machine is shared, and with per-test coverage each mutant runs only the tests that reach it.
 * Equivalent mutants (no behaviour can tell them apart) are marked where they occur with
 * `// Stryker disable next-line <mutator>: <reason>`, so the reason sits beside the code it is about.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  checkers: ['typescript'],
  // Only core/ (and what it imports) is compiled for the checker: a mutant that breaks core's types is discarded
  // without running a test.
  tsconfigFile: 'tsconfig.mutation.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: ['core/**/*.ts', '!core/**/*.d.ts'],
  coverageAnalysis: 'perTest',
  // Mutants in module-level tables (error names, socket codes) run only on a fresh module load: one reload of every
  // related test file per mutant, most of a run's time. They are reported as ignored ("static"); the tables are
  // pinned by tests that spell each entry out (test/unit/errors/classify.decisions.test.ts).
  ignoreStatic: true,
  concurrency: 1,
  // The dry run runs the whole set once with per-test coverage (1,036 tests): 4 min 13 s on a 2-core machine shared
  // with other work, where Stryker's default limit of 5 minutes stopped a run on a busier moment ("Initial test run
  // timed out"). A dry run that fails for real still fails at once.
  dryRunTimeoutMinutes: 15,
  // Keeps each mutant's result; the next run re-tests only mutants in changed code or reached by changed tests.
  incremental: true,
  incrementalFile: 'reports/mutation/incremental.json',
  reporters: ['json', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // What the unit tests of the mutation set never read stays out of the sandbox copy. docs/, examples/ and
  // test/stacks/ are copied: `npm run schemas -- --check` (test/unit/commands/schemas-command.test.ts) compares the
  // committed pages and synthesizes the example catalog's stacks with test/stacks/readiness/synth.ts. Only the link
  // to a folder (examples/catalogs/components) stays out: Stryker's copy takes it for a file and cannot copy it
  // (EISDIR). test/unit/build/mutation-sandbox.test.ts checks that the copy holds no folder and every file the
  // set's tests import or name.
  // Each pattern is anchored at the root (gitignore's rules): an unanchored `bench` also left test/unit/bench's tests
  // out of the copy, and bench/, which they import, is copied too.
  ignorePatterns: ['/reports', '/examples/catalogs/components', '/.sst', '/cdk.out', '/dist', '/coverage', '/.build'],
};
