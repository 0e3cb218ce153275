import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { join } from 'node:path';

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
  return spawnSync(process.execPath, ['--experimental-async-context-frame', ...nodeArgs, script, ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
}
