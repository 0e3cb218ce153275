import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandOutput } from './output.js';

/**
 * A saved cloud simulated once per test run for each scenario, however many test files start from it: several
 * files (serve, operator-cli) act on the same week of the same scenario, and simulating it costs each of them far
 * more than copying it. The first file to ask simulates into the run's cache (a folder of the run's own temp folder,
 * test/global-setup.ts, removed with it); every file, the first included, gets a private copy, so none sees what
 * another's commands change. Each gets the simulation's output too, to assert on as if it had run it.
 */

/** The cache's folder name in the run's temp folder (test/global-setup.ts lets it stay until the run ends). */
export const SAVED_CLOUD_CACHE = 'goldsmith-saved-clouds';

const WAIT_MS = 600_000;
const POLL_MS = 200;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Copies into `dir` the cloud `save(into)` saves for `scenarioFile` (run once per run and scenario text; `save`
 * must save to `into` and depend on nothing but the scenario) and returns that run's output. `cache`: the folder of
 * saved clouds (default: the run's).
 */
export async function sharedSavedCloud(
  scenarioFile: string,
  dir: string,
  save: (into: string) => Promise<CommandOutput>,
  cache = join(tmpdir(), SAVED_CLOUD_CACHE),
): Promise<CommandOutput> {
  const key = createHash('sha256').update(readFileSync(scenarioFile)).digest('hex').slice(0, 16);
  const entry = join(cache, key);
  const output = join(entry, 'output.json');
  const lock = join(cache, `${key}.lock`);
  mkdirSync(cache, { recursive: true });
  for (const deadline = Date.now() + WAIT_MS; !existsSync(output); await pause(POLL_MS)) {
    if (Date.now() > deadline) throw new Error(`no saved cloud for ${scenarioFile} after ${WAIT_MS} ms`);
    try {
      mkdirSync(lock);
    } catch {
      continue; // another file is simulating it: wait for its output
    }
    try {
      const result = await save(join(entry, 'cloud'));
      // A failed run is not cached: this file asserts on its output, and the next one simulates again.
      if (result.code !== 0) {
        rmSync(entry, { recursive: true, force: true });
        return result;
      }
      writeFileSync(output, JSON.stringify(result));
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  cpSync(join(entry, 'cloud'), dir, { recursive: true });
  return JSON.parse(readFileSync(output, 'utf8')) as CommandOutput;
}
