import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { SavedCloud, Unsavable } from '../../local/simulator/saved-cloud.js';
import { UsageError } from '../usage.js';

/**
 * The saved cloud's own state beside `state.json` (local/simulator/saved-cloud.ts): JSON, gzipped, named by its
 * digest, which `state.json` records. It is written before `state.json` names it, so a crash between the two leaves
 * the previous state whole; files no `state.json` names are removed once the new one is in place.
 */
export type CloudRef = { file: string; sha256: string } | { replay: string };

const PREFIX = 'cloud-';
const SUFFIX = '.json.gz';
/** A cloud file's name: the prefix, the first 16 hex digits of its SHA-256, the suffix (and `.tmp` while written). */
const NAME = /^cloud-([0-9a-f]{16})\.json\.gz(\.tmp)?$/;

/** Writes `saved` (a snapshot, or why it could not be one) and returns what `state.json` records of it. */
export async function writeCloud(dir: string, saved: SavedCloud | Unsavable | undefined): Promise<CloudRef> {
  if (!saved) return { replay: 'the run kept no cloud state' };
  if ('reason' in saved) return { replay: saved.reason };
  const data = await promisify(gzip)(JSON.stringify(saved), { level: 1 });
  const sha256 = createHash('sha256').update(data).digest('hex');
  const file = `${PREFIX}${sha256.slice(0, 16)}${SUFFIX}`;
  await writeFile(join(dir, `${file}.tmp`), data);
  await rename(join(dir, `${file}.tmp`), join(dir, file));
  return { file, sha256 };
}

/** Removes the cloud files `state.json` no longer names (after it was written). */
export async function pruneClouds(dir: string, kept: CloudRef | undefined): Promise<void> {
  const keep = kept && 'file' in kept ? kept.file : undefined;
  for (const name of await readdir(dir)) {
    // Only Goldsmith's own cloud files: a user's `cloud-notes.md` in the folder is left alone.
    if (NAME.test(name) && name !== keep) await rm(join(dir, name), { force: true });
  }
}

/**
 * Reads the cloud state `ref` names, checked against its digest, its name (a file of DIR named by that digest,
 * never a path elsewhere) and the instant `state.json` says it was saved at.
 */
export async function readCloud(
  dir: string,
  ref: { file: string; sha256: string },
  savedAt: string,
): Promise<SavedCloud> {
  const named = NAME.exec(ref.file);
  if (!named || named[2] !== undefined || !ref.sha256.startsWith(named[1] ?? '-')) {
    throw new UsageError(
      `${join(dir, 'state.json')} names "${ref.file}" as its cloud, which is not a saved cloud's file of ${dir}: re-run "goldsmith simulate --save ${dir}"`,
    );
  }
  let data: Buffer;
  try {
    data = await readFile(join(dir, ref.file));
  } catch {
    throw new UsageError(
      `${dir} lacks ${ref.file}, the saved cloud's state: re-run "goldsmith simulate --save ${dir}"`,
    );
  }
  if (createHash('sha256').update(data).digest('hex') !== ref.sha256) {
    throw new UsageError(`${join(dir, ref.file)} is not the state ${dir}/state.json names (its digest differs)`);
  }
  const saved = JSON.parse((await promisify(gunzip)(data)).toString('utf8')) as SavedCloud;
  if (saved.at !== savedAt) {
    throw new UsageError(
      `${join(dir, ref.file)} was saved at ${saved.at}, not at ${savedAt} as ${dir}/state.json says: re-run "goldsmith simulate --save ${dir}"`,
    );
  }
  return saved;
}

const told = new Set<string>();

/** Says once per process, on stderr, why a saved cloud is rebuilt by a replay. */
export function tellReplaying(reason: string): void {
  if (told.has(reason)) return;
  told.add(reason);
  process.stderr.write(`replaying: ${reason}\n`);
}
