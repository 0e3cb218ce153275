import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/**
 * A new directory under the system temp folder (`prefix` then random characters), removed with everything in it
 * when the current test finishes, passed or failed. Call it inside a test; in `beforeAll`, use `mkdtempSync` and
 * remove the directory in `afterAll`.
 */
export function testTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
