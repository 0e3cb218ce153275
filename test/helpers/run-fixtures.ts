import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FIXTURES_ENV } from '../global-setup.js';
import type { CommandOutput } from './output.js';

/**
 * A saved local cloud that several test files of one run start from, made once: the first file to ask makes it (the
 * others wait for it) and every file gets a copy of its own to act on, with the output of the command that made it.
 * Test files run in processes of their own, so the one made is kept in the run's fixtures folder
 * (test/global-setup.ts), named by a hash of what makes it; it goes when the run's temp folder does. Without that
 * folder (vitest run without the global setup) each file makes its own.
 */

const OUTPUT = 'output.json';
const CLOUD = 'cloud';
const POLL_MS = 200;
/** How long a file waits for another to make the cloud before making its own (a maker that hangs, say). */
const WAIT_MS = 180_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Copies the saved cloud that `make` saves for `inputs` (everything that decides what it saves: the scenario, the
 * catalog, the command's arguments) into `into`, making it first if no file of this run did; returns the output of
 * the command that made it. Only a cloud whose command succeeded is shared.
 */
export async function sharedSavedCloud(
  inputs: unknown,
  into: string,
  make: (dir: string) => Promise<CommandOutput>,
): Promise<CommandOutput> {
  const root = process.env[RUN_FIXTURES_ENV];
  if (!root) return make(into);
  const made = join(root, createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 24));
  const lock = `${made}.lock`;
  mkdirSync(root, { recursive: true });
  for (const deadline = Date.now() + WAIT_MS; ; ) {
    if (existsSync(join(made, OUTPUT))) {
      cpSync(join(made, CLOUD), into, { recursive: true });
      return JSON.parse(readFileSync(join(made, OUTPUT), 'utf8')) as CommandOutput;
    }
    try {
      // Whoever makes this folder first makes the cloud; the others wait for it, or for the lock to go (it failed).
      mkdirSync(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > deadline) return make(into);
      await pause(POLL_MS);
      continue;
    }
    try {
      const output = await make(into);
      if (output.code === 0) {
        const temp = `${made}.${process.pid}.tmp`;
        cpSync(into, join(temp, CLOUD), { recursive: true });
        writeFileSync(join(temp, OUTPUT), JSON.stringify(output));
        renameSync(temp, made);
      }
      return output;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
