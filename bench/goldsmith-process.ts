import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The Node flags bin/goldsmith.mjs's first line and `npm start` give Node (bin/goldsmith.mjs says why). */
export const GOLDSMITH_NODE_FLAGS = ['--experimental-async-context-frame', '--max-semi-space-size=64'] as const;

/**
 * Runs `goldsmith ARGS` of the checkout at `root` in a process of its own, as a person runs it (Node's start, the
 * imports and the command's own work all included), and returns what it printed. `nodeArgs` go to Node itself.
 */
export function runGoldsmith(
  root: string,
  args: readonly string[],
  nodeArgs: readonly string[] = [],
): SpawnSyncReturns<string> {
  const script = join(root, 'bin/goldsmith.mjs');
  return spawnSync(process.execPath, [...GOLDSMITH_NODE_FLAGS, ...nodeArgs, script, ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
}
