import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Tests remove what they write to temporary directories. To check that without being fooled by other processes on
 * the machine (another checkout's test run makes the same `goldsmith-*` names in /tmp), the run gets a temp folder
 * of its own: TMPDIR points into it for vitest, its workers and every process a test starts (`os.tmpdir()` reads
 * TMPDIR on each call). Whatever is still in it when the run ends was left behind by this run's tests: the run
 * fails naming it, and the folder is removed either way, so /tmp stays clean.
 */

/** Caches that Node and tsx keep in the temp folder on purpose (child `goldsmith` processes), not test leftovers. */
export const TOOL_CACHES = [/^node-compile-cache$/, /^tsx-\d+$/];

/**
 * The folder of the run's fixtures that test files share (test/helpers/run-fixtures.ts: a saved cloud several files
 * start from), named to the workers by this variable; it is the run's own, so it goes with the temp folder and is not
 * a leftover.
 */
export const RUN_FIXTURES_ENV = 'GOLDSMITH_RUN_FIXTURES';
const RUN_FIXTURES = 'goldsmith-run-fixtures';

/** The entries of `dir` that are neither tool caches nor absent. */
export function leftoversIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name !== RUN_FIXTURES && !TOOL_CACHES.some((cache) => cache.test(name)))
    .sort();
}

export default function setup(): () => void {
  const outer = process.env.TMPDIR;
  const outerFixtures = process.env[RUN_FIXTURES_ENV];
  const own = mkdtempSync(join(tmpdir(), 'goldsmith-vitest-'));
  process.env.TMPDIR = own;
  process.env[RUN_FIXTURES_ENV] = join(own, RUN_FIXTURES);
  return () => {
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    if (outerFixtures === undefined) delete process.env[RUN_FIXTURES_ENV];
    else process.env[RUN_FIXTURES_ENV] = outerFixtures;
    const left = leftoversIn(own);
    rmSync(own, { recursive: true, force: true });
    if (left.length > 0) {
      const names = left.slice(0, 10).join(', ') + (left.length > 10 ? `, … (${left.length - 10} more)` : '');
      throw new Error(
        `the tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temp folder: ${names}; ` +
          'remove what a test writes (afterEach/afterAll, try/finally, or testTempDir)',
      );
    }
  };
}
