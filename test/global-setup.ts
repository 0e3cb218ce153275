import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAVED_CLOUD_CACHE } from './helpers/shared-saved-cloud.js';

/**
 * Tests remove what they write to temporary directories. To check that without being fooled by other processes on
 * the machine (another checkout's test run makes the same `goldsmith-*` names in /tmp), the run gets a temp folder
 * of its own: TMPDIR points into it for vitest, its workers and every process a test starts (`os.tmpdir()` reads
 * TMPDIR on each call). Whatever is still in it when the run ends was left behind by this run's tests: the run
 * fails naming it, and the folder is removed either way, so /tmp stays clean.
 */

/**
 * Caches kept in the temp folder on purpose, not test leftovers: Node's and tsx's (child `goldsmith` processes) and
 * the saved clouds test files share (test/helpers/shared-saved-cloud.ts).
 */
export const TOOL_CACHES = [/^node-compile-cache$/, /^tsx-\d+$/, new RegExp(`^${SAVED_CLOUD_CACHE}$`)];

/** The entries of `dir` that are neither tool caches nor absent. */
export function leftoversIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !TOOL_CACHES.some((cache) => cache.test(name)))
    .sort();
}

export default function setup(): () => void {
  const outer = process.env.TMPDIR;
  const own = mkdtempSync(join(tmpdir(), 'goldsmith-vitest-'));
  process.env.TMPDIR = own;
  return () => {
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
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
