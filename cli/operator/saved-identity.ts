import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Catalog } from '../../core/config/schema.js';
import { GOLDSMITH_VERSION } from '../../core/release/index.js';
import { CODE_ROOT, canonical } from '../../local/simulator/synth-key.js';
import { UsageError } from '../usage.js';
import { type SavedUpgrade, savedUpgrade } from './saved-release.js';

/**
 * What a saved cloud's state means depends on: the code that wrote it (the handlers and core that shaped the ledger
 * items, the stacks that wired them, the local cloud that ran them, the installed dependencies) and the catalog it
 * ran. A saved cloud carries both digests and its release; a Goldsmith whose catalog differs refuses it, and one
 * whose code differs upgrades it (`simulate --resume`, from the previous release or its own: saved-release.ts) or
 * refuses it, rather than reading items it may misread.
 */
export interface SavedIdentity {
  /** SHA-256 over the sources under CODE_DIRS and CODE_FILES (path and content). */
  code: string;
  /** SHA-256 of the catalog as loaded (canonical form). */
  catalog: string;
  /** The release that saved it (events/release.ts); absent in a save of 0.2.0, which its code digest names. */
  release?: string;
}

/** Every directory whose code runs in or shapes the local cloud: the handlers' AWS edge (aws/, whose caches a
 * saved cloud holds), the Image Builder components the stacks read and the member accounts' function (member/, which
 * the member baseline's stacks run), as well as the rest. */
export const CODE_DIRS = ['aws', 'components', 'core', 'events', 'functions', 'member', 'stacks', 'local'];
export const CODE_FILES = ['package-lock.json'];

let codeDigestOf: { root: string; digest: string } | undefined;

/** The digest of this Goldsmith's code (computed once per process). */
export function codeDigest(root: string = CODE_ROOT): string {
  if (codeDigestOf?.root === root) return codeDigestOf.digest;
  const files: string[] = [];
  for (const dir of CODE_DIRS) {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
      if (entry.isFile()) files.push(relative(root, join(entry.parentPath, entry.name)));
    }
  }
  files.push(...CODE_FILES);
  codeDigestOf = { root, digest: digestSources(files, (path) => readFileSync(join(root, path))) };
  return codeDigestOf.digest;
}

/**
 * The code digest of `paths` (relative to the checkout, `/`-separated), each read with `read`: the same digest from
 * the files on disk (codeDigest) or from a commit's objects (`git cat-file`), which names a release's commit.
 */
export function digestSources(paths: readonly string[], read: (path: string) => Buffer): string {
  const hash = createHash('sha256');
  for (const path of [...paths].sort()) {
    const content = read(path);
    hash.update(`${path}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

/** The digest of a catalog as loaded. */
export function catalogDigest(catalog: Catalog): string {
  let text: string;
  try {
    text = canonical(catalog);
  } catch {
    // A catalog value the canonical form cannot spell (a class instance): its JSON text still names the catalog.
    text = JSON.stringify(catalog);
  }
  return createHash('sha256').update(text).digest('hex');
}

export const savedIdentity = (catalog: Catalog): SavedIdentity => ({
  code: codeDigest(),
  catalog: catalogDigest(catalog),
  release: GOLDSMITH_VERSION,
});

const resave = (dir: string) => `re-run "goldsmith simulate --save ${dir}"`;

/**
 * Opens a saved cloud as it was when this Goldsmith's code saved it (undefined); a cloud another release's code saved
 * is an upgrade where `upgrading` allows one (simulate --resume), and refused otherwise, naming both releases.
 */
export function checkSavedCode(
  dir: string,
  identity: Partial<SavedIdentity> | undefined,
  upgrading = false,
): SavedUpgrade | undefined {
  if (identity?.code === codeDigest()) return undefined;
  return savedUpgrade(dir, identity, upgrading);
}

/** Refuses a saved cloud used with another catalog than the one it ran (`catalogFile`, which it names). */
export function checkSavedCatalog(dir: string, identity: SavedIdentity, catalog: Catalog, catalogFile: string): void {
  if (identity.catalog !== catalogDigest(catalog)) {
    throw new UsageError(
      `${dir} was saved with another catalog than the one given (its images, channels or settings differ): use the catalog it was saved with, ${catalogFile}, or ${resave(dir)}`,
    );
  }
}

/**
 * How a save names its catalog file: relative to the checkout (`CODE_ROOT`) when the file is inside it, so that the
 * save (a fixture, a copy) opens in another checkout of the repository; by its absolute path otherwise.
 */
export function savedCatalogFile(catalogFile: string, root: string = CODE_ROOT): string {
  const absolute = resolve(catalogFile);
  const inside = relative(root, absolute);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : absolute;
}
