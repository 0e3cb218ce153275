// The `goldsmith` command's prebuilt bundle: cli/main.ts and everything it reaches of our own code (cli/, local/,
// core/, aws/, functions/, events/, …) built by esbuild into one ESM module graph, npm packages left as imports
// (`packages: 'external'`: Node loads them natively, through its compile cache). Importing our ~700 TypeScript files
// through tsx's hooks one by one took most of a command's start; the bundle is a handful of files.
//
// Kept in node_modules/.cache/goldsmith/cli-bundle/, keyed by the checkout's absolute path, Node's and esbuild's
// versions, this file and the handler files (the key), then by the contents of every source file the bundle was
// built from (the digest, read off the build's own inputs, so an edit anywhere it reaches rebuilds it; a source
// whose size and modification time are as when it was read is not read again).
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The checkout this file belongs to. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));

const ENTRY = 'goldsmith:entry';
/** Bundles older than this, of the same key but other sources, are removed after a build. */
const KEEP_MS = 60 * 60 * 1000;

/** Where the bundles of checkout `root` are kept. */
export function cacheDirOf(root) {
  return join(root, 'node_modules', '.cache', 'goldsmith', 'cli-bundle');
}

/** Every .ts module under functions/, absolute paths, sorted: the files a stack's `functions/x.handler` can name. */
export function handlerFiles(root) {
  const found = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.m?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(path);
    }
  };
  walk(join(root, 'functions'));
  return found.sort();
}

function sha256(...parts) {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

/** What every bundle of `root` shares: a change to any of it is a different bundle whatever the sources say. */
function keyOf(root, handlers) {
  const esbuildVersion = createRequire(join(root, 'package.json'))('esbuild/package.json').version;
  const self = readFileSync(fileURLToPath(import.meta.url));
  return sha256(root, process.version, esbuildVersion, self, ...handlers).slice(0, 16);
}

/** The digest of the sources (paths relative to `root`) as they are now; undefined when one is gone. */
function digestOf(root, inputs) {
  const hash = createHash('sha256');
  for (const input of inputs) {
    let contents;
    try {
      contents = readFileSync(join(root, input));
    } catch {
      return undefined;
    }
    hash.update(input).update('\0').update(contents).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

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

/** The entry module: the CLI, and every handler module handed to LocalLambdas as an import from the bundle. */
function entrySource(root, handlers) {
  const lines = handlers.map(
    (file) =>
      `  ${JSON.stringify(file)}: () => import(${JSON.stringify(`./${relative(root, file).split(sep).join('/')}`)}),`,
  );
  return [
    "export { main } from './cli/main.ts';",
    "import { provideHandlerModules } from './local/simulator/handler-modules.ts';",
    'provideHandlerModules({',
    ...lines,
    '});',
    '',
  ].join('\n');
}

const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.json': 'json' };

/**
 * Builds the bundle of `root` into `outdir`.
 * @returns the sources it was built from (relative to `root`, sorted), each one's size and modification time as
 * read, and their contents' digest
 * @throws esbuild's failure, whose errors esbuild has already printed on stderr (file, line and column each)
 */
export async function buildBundle(root, outdir, handlers = handlerFiles(root)) {
  const { build } = await import(pathToFileURL(createRequire(join(root, 'package.json')).resolve('esbuild')).href);
  const read = new Map();
  /** Our sources, as the build reads them: each `import.meta.url`/`dirname`/`filename` becomes the source file's
   * own, so a lookup relative to a module (the project root, default-scenario.json, html/, the models, a worker's
   * script) finds what it finds when the source is imported; the contents read are the ones the digest covers. */
  const sources = {
    name: 'goldsmith-sources',
    setup(b) {
      b.onResolve({ filter: /^goldsmith:entry$/ }, () => ({ path: ENTRY, namespace: 'goldsmith' }));
      b.onLoad({ filter: /.*/, namespace: 'goldsmith' }, () => ({
        contents: entrySource(root, handlers),
        resolveDir: root,
        loader: 'ts',
      }));
      b.onLoad({ filter: /.*/, namespace: 'file' }, (args) => {
        const extension = args.path.slice(args.path.lastIndexOf('.'));
        const loader = LOADERS[extension];
        if (loader === undefined) return undefined;
        // Stat before reading: a file changed after the read then differs from its recorded stat.
        const { size, mtimeMs } = statSync(args.path);
        const contents = readFileSync(args.path, 'utf8');
        read.set(relative(root, args.path).split(sep).join('/'), { contents, stat: [size, mtimeMs] });
        if (!contents.includes('import.meta')) return { contents, loader };
        const rewritten = contents
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
          .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
          .replaceAll('import.meta.filename', JSON.stringify(args.path));
        return { contents: rewritten, loader };
      });
    },
  };
  await build({
    absWorkingDir: root,
    entryPoints: { main: ENTRY },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    packages: 'external',
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // Stack traces name the .ts files and lines (the command enables source maps); the sources stay on disk.
    sourcemap: 'linked',
    sourcesContent: false,
    // Class and function names as written: error names and `constructor.name` are read (SDK errors, the CLI).
    keepNames: true,
    plugins: [sources],
    logLevel: 'error',
  });
  const inputs = [...read.keys()].sort();
  const hash = createHash('sha256');
  for (const input of inputs) hash.update(input).update('\0').update(read.get(input).contents).update('\0');
  return { inputs, stats: inputs.map((input) => read.get(input).stat), digest: hash.digest('hex').slice(0, 16) };
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
 * @returns the entry's path and whether it was built now
 */
export async function ensureBundle(root = ROOT) {
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
    const entry = join(cache, `${key}-${digest}`, 'main.mjs');
    if (digest !== undefined && existsSync(entry)) {
      const now = new Date();
      utimesSync(dirname(entry), now, now);
      if (!same && stats !== undefined) writeAtomically(pointer, JSON.stringify({ ...recorded, stats, digest }));
      return { entry, built: false };
    }
  }
  mkdirSync(cache, { recursive: true });
  const temporary = join(cache, `tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const { inputs, stats, digest } = await buildBundle(root, temporary, handlers);
    const name = `${key}-${digest}`;
    const target = join(cache, name);
    try {
      renameSync(temporary, target);
    } catch (error) {
      // Another process built the same sources first: its bundle is this one.
      if (!existsSync(join(target, 'main.mjs'))) throw error;
    }
    writeAtomically(pointer, JSON.stringify({ root, inputs, stats, digest }));
    prune(cache, root, key, name);
    return { entry: join(target, 'main.mjs'), built: true };
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
}
