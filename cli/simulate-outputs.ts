import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from './usage.js';

async function statOf(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    // ENOTDIR: a file on the way (stat of `file/below`): nothing there, and the walk up finds the file.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

async function writable(dir: string): Promise<boolean> {
  try {
    await access(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The nearest folder at or above `path` that exists, or the first thing on the way up that is not a folder. */
async function nearestExisting(path: string): Promise<{ path: string; isDirectory: boolean }> {
  let at = path;
  for (;;) {
    const found = await statOf(at);
    if (found) return { path: at, isDirectory: found.isDirectory() };
    const up = dirname(at);
    if (up === at) return { path: at, isDirectory: true };
    at = up;
  }
}

/**
 * Checks where `simulate` will write before anything runs, as a catalog is checked: `--html FILE` names a file (not
 * a folder) in a folder that exists and may be written; `--save DIR` names a folder, or a path below a writable
 * folder where one can be made (not a file). A run that cannot be written is refused in one line naming the option.
 * @throws UsageError
 */
export async function checkSimulateOutputs(options: { html?: string | undefined; save?: string | undefined }) {
  if (options.html !== undefined) {
    const file = resolve(options.html);
    const there = await statOf(file);
    if (there?.isDirectory()) throw new UsageError(`--html: ${options.html} is a folder: name the file to write`);
    const folder = await statOf(dirname(file));
    if (!folder) {
      throw new UsageError(
        `--html: folder ${dirname(file)} does not exist: create it, or name a file in one that does`,
      );
    }
    if (!folder.isDirectory()) throw new UsageError(`--html: ${dirname(file)} is a file, not a folder`);
    if (!(await writable(dirname(file)))) throw new UsageError(`--html: folder ${dirname(file)} cannot be written`);
  }
  if (options.save !== undefined) {
    const dir = resolve(options.save);
    const nearest = await nearestExisting(dir);
    if (!nearest.isDirectory) {
      throw new UsageError(
        nearest.path === dir
          ? `--save: ${options.save} is a file, not a folder: name a folder to keep the cloud in`
          : `--save: ${nearest.path} is a file, so no folder can be made at ${options.save}`,
      );
    }
    if (!(await writable(nearest.path))) throw new UsageError(`--save: folder ${nearest.path} cannot be written`);
  }
}
