// The `goldsmith` command's prebuilt bundle (built by bin/bundle-build.mjs): cli/main.ts and everything it reaches of
// our own code (cli/, local/, core/, aws/, functions/, events/, …) and of the pure-JavaScript npm packages as one ESM
// module graph. It replaces loading our ~700 TypeScript files through tsx's hooks, and a thousand package files
// through Node's resolution, one by one.
//
// Kept in node_modules/.cache/goldsmith/cli-bundle/, keyed by the checkout's absolute path, Node's and esbuild's
// versions, the two bundle files, tsconfig.json, the lockfiles (the versions of the npm packages built in) and the
// handler files (the key), then by the contents of every source file the
// bundle was built from (the digest, read off the build's own inputs, so an edit anywhere it reaches rebuilds it; a
// source whose size and modification time are as when it was read is not read again), and by the layout of the
// folders they are in (every file's name, and where a link points): a file added beside a source can change what an
// import resolves to without changing any source read.
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundle, digestOfSources, handlerFiles } from './bundle-build.mjs';

/** The checkout this file belongs to. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Bundles unused for this long, of the same key but other sources, are removed after a build. */
const KEEP_MS = 60 * 60 * 1000;

/** How often a running command marks its bundle used (keepInUse): well within KEEP_MS. */
const IN_USE_EVERY_MS = 10 * 60 * 1000;

/**
 * Marks the bundle of `entry` used now and every IN_USE_EVERY_MS while this process runs, so that a build by another
 * command never prunes the chunks a long-running one (`serve`) has yet to import. The timer keeps no process alive.
 */
export function keepInUse(entry) {
  const mark = () => {
    const now = new Date();
    try {
      utimesSync(dirname(entry), now, now);
    } catch {
      // Removed by hand: the next command builds it again.
    }
  };
  mark();
  setInterval(mark, IN_USE_EVERY_MS).unref();
}

/** Where the bundles of checkout `root` are kept. */
export function cacheDirOf(root) {
  return join(root, 'node_modules', '.cache', 'goldsmith', 'cli-bundle');
}

function sha256(...parts) {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

/** What every bundle of `root` shares: a change to any of it is a different bundle whatever the sources say. */
function keyOf(root, handlers) {
  const esbuildVersion = createRequire(join(root, 'package.json'))('esbuild/package.json').version;
  const code = ['./bundle.mjs', './bundle-build.mjs'].map((file) =>
    readFileSync(fileURLToPath(new URL(file, import.meta.url))),
  );
  // esbuild reads tsconfig.json's compiler options (target, class fields, paths) as it transforms every source.
  // The npm packages built in are the versions the lockfiles name: the checkout's, and the one npm writes into
  // node_modules as it installs (https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json#hidden-lockfiles),
  // which is the installed tree's even where node_modules is another checkout's.
  const files = ['tsconfig.json', 'package-lock.json', 'node_modules/.package-lock.json'].map((file) =>
    existsSync(join(root, file)) ? readFileSync(join(root, file)) : '',
  );
  return sha256(root, process.version, esbuildVersion, ...code, ...files, ...handlers).slice(0, 16);
}

/**
 * The layout of the folders the sources (paths relative to `root`) are in: the name of every file under each
 * top-level folder that holds one, and of every script or JSON file directly in `root`, each link with its target. An `x.js` added
 * beside an imported `x.ts`, a `pkg.ts` beside `pkg/index.ts` or a link pointed elsewhere changes what an import
 * resolves to, and so the layout.
 */
function layoutOf(root, inputs) {
  const names = [];
  const add = (folder, entry) => {
    const path = join(folder, entry.name);
    names.push(entry.isSymbolicLink() ? `${path} -> ${readlinkSync(path)}` : path);
  };
  // Directly in `root`, only the files an import could name (a saved cloud's folder made there changes nothing).
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() && /\.[cm]?[jt]s$|\.json$/.test(entry.name)) add(root, entry);
  }
  const folders = new Set(inputs.filter((input) => input.includes('/')).map((input) => input.split('/')[0]));
  for (const folder of [...folders].sort()) {
    try {
      for (const entry of readdirSync(join(root, folder), { withFileTypes: true, recursive: true })) {
        add(entry.parentPath, entry);
      }
    } catch {
      // A folder gone: the layout differs from the recorded one.
      names.push(`${folder} (gone)`);
    }
  }
  return sha256(...names.sort()).slice(0, 16);
}

/** The digest of the sources (paths relative to `root`) as they are now; undefined when one is gone. */
function digestOf(root, inputs) {
  return digestOfSources(inputs, (input) => {
    try {
      return readFileSync(join(root, input));
    } catch {
      return undefined;
    }
  });
}

/** A bundle's folder name after its key: the sources' contents and their folders' layout. */
const nameOf = (digest, layout) => sha256(digest ?? '', layout).slice(0, 16);

/** Each source's [size, modification time] now; undefined when one is gone. */
function statsOf(root, inputs) {
  try {
    return inputs.map((input) => {
      const { size, mtimeMs } = statSync(join(root, input));
      return [size, mtimeMs];
    });
  } catch {
    return undefined;
  }
}

function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

/**
 * Removes, when not used for KEEP_MS, this checkout's other bundles (of `key` but other sources, or of an older key:
 * another Node, esbuild or bin/bundle.mjs) and abandoned builds. A bundle still in use by a long-running command
 * (`serve`) loads its chunks as it goes, so a recent one stays.
 */
function prune(cache, root, key, keep) {
  const now = Date.now();
  const old = (path) => now - statSync(path).mtimeMs > KEEP_MS;
  const keys = new Set([key]);
  for (const name of readdirSync(cache)) {
    if (!name.endsWith('.json') || name === `${key}.json`) continue;
    try {
      if (JSON.parse(readFileSync(join(cache, name), 'utf8')).root === root) keys.add(name.slice(0, -'.json'.length));
    } catch {
      // Being written, or removed, by another process.
    }
  }
  for (const name of readdirSync(cache)) {
    const ours = name.startsWith('tmp-') || [...keys].some((k) => name.startsWith(`${k}-`) || name === `${k}.json`);
    if (name === keep || name === `${key}.json` || !ours) continue;
    const path = join(cache, name);
    try {
      if (old(path)) rmSync(path, { recursive: true, force: true });
    } catch {
      // Another process removed it first.
    }
  }
}

/**
 * The entry module of the bundle of `root` as its sources are now: the cached one when its sources are unchanged,
 * else built now (into a temporary folder renamed into place, so processes building at once each end with a
 * complete bundle).
 * @param {string} [root]
 * @param {(line: string) => void} [say] told, before a build, that the command is being built
 * @returns the entry's path and whether it was built now
 */
export async function ensureBundle(checkout = ROOT, say = () => {}) {
  const root = resolve(checkout);
  const cache = cacheDirOf(root);
  const handlers = handlerFiles(root);
  const key = keyOf(root, handlers);
  const pointer = join(cache, `${key}.json`);
  if (existsSync(pointer)) {
    const recorded = JSON.parse(readFileSync(pointer, 'utf8'));
    // Every source's size and modification time as when it was built: its contents are those (statting the ~700
    // files takes about a quarter of the time of reading and hashing them). Else the contents decide: a source
    // touched but not changed (a checkout) is the same bundle, and the new times are recorded.
    const stats = statsOf(root, recorded.inputs);
    const same = stats !== undefined && JSON.stringify(stats) === JSON.stringify(recorded.stats);
    const digest = same ? recorded.digest : digestOf(root, recorded.inputs);
    const layout = layoutOf(root, recorded.inputs);
    const entry = join(cache, `${key}-${nameOf(digest, layout)}`, 'main.mjs');
    if (digest !== undefined && layout === recorded.layout && existsSync(entry)) {
      const now = new Date();
      utimesSync(dirname(entry), now, now);
      if (!same && stats !== undefined) writeAtomically(pointer, JSON.stringify({ ...recorded, stats, digest }));
      return { entry, built: false };
    }
  }
  say('goldsmith: building the command from the sources (the first run after a change; a few seconds)');
  mkdirSync(cache, { recursive: true });
  const temporary = join(cache, `tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const { inputs, stats, digest } = await buildBundle(root, temporary, handlers);
    const layout = layoutOf(root, inputs);
    const name = `${key}-${nameOf(digest, layout)}`;
    const target = join(cache, name);
    try {
      renameSync(temporary, target);
    } catch (error) {
      // Another process built the same sources first: its bundle is this one.
      if (!existsSync(join(target, 'main.mjs'))) throw error;
    }
    writeAtomically(pointer, JSON.stringify({ root, inputs, stats, digest, layout }));
    prune(cache, root, key, name);
    return { entry: join(target, 'main.mjs'), built: true };
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
}
