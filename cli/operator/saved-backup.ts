import { cp, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * The copy an upgrade keeps of a save before writing over it (`simulate --resume` of a cloud another code saved):
 * the directory as it was, byte for byte, beside it as `<DIR>.<release that saved it>.bak` (then `.bak-2`, `-3`, …
 * when an earlier upgrade kept one already), so an upgrade that failed or is not wanted is undone by putting it back.
 * A resume by the code that saved the cloud (no upgrade) keeps none.
 */

const LOCK = '.state.lock';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Where the copy of `dir` saved by `from` goes: the first free `<dir>.<from>.bak[-n]` beside it. */
export async function backupPathOf(dir: string, from: string): Promise<string> {
  const base = join(dirname(dir), `${basename(dir)}.${from}.bak`);
  let path = base;
  for (let n = 2; await exists(path); n++) path = `${base}-${n}`;
  return path;
}

/**
 * Copies the save in `dir` (saved by Goldsmith `from`) beside it and answers the copy's path. The save's lock file,
 * held by the command about to write, is not copied.
 */
export async function keepSaveBefore(dir: string, from: string): Promise<string> {
  const path = await backupPathOf(dir, from);
  await cp(dir, path, {
    recursive: true,
    errorOnExist: true,
    force: false,
    preserveTimestamps: true,
    filter: (source) => basename(source) !== LOCK,
  });
  return path;
}

/** The line `simulate --resume` prints once it kept the copy. */
export const keptLine = (dir: string, copy: string, from: string): string =>
  `kept the save as Goldsmith ${from} left it in ${copy}: to undo this upgrade, remove ${dir} and rename ${copy} to ${dir}`;
