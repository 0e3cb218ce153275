import { existsSync, globSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PartialStrykerOptions } from '@stryker-mutator/api/core';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

/** The part of Stryker's project reader this test uses: the files it copies into the sandbox, by absolute path. */
interface ProjectReader {
  read(targetMutatePatterns: undefined): Promise<{ files: Map<string, unknown> }>;
}
type ProjectReaderClass = new (
  fs: { readdir: typeof import('node:fs/promises').readdir },
  log: Record<'debug' | 'info' | 'warn', () => void> & { isDebugEnabled(): boolean },
  options: Record<string, unknown>,
) => ProjectReader;

/**
 * The files `npm run mutation` copies into its sandbox, listed by Stryker's own reader (the one its run uses, walking
 * the current folder with the configuration's ignore patterns). The reader is not part of Stryker's public API: it is
 * loaded from the file beside the package's entry point.
 */
function sandboxFiles(): Promise<string[]> {
  // Read once for the file: both tests ask for the same walk of the repository.
  sandboxListing ??= readSandboxFiles();
  return sandboxListing;
}
let sandboxListing: Promise<string[]> | undefined;

async function readSandboxFiles(): Promise<string[]> {
  const config = (
    (await import(pathToFileURL(resolve(ROOT, 'stryker.config.mjs')).href)) as {
      default: PartialStrykerOptions;
    }
  ).default;
  const entry = createRequire(import.meta.url).resolve('@stryker-mutator/core');
  const { ProjectReader } = (await import(new URL('fs/project-reader.js', pathToFileURL(entry)).href)) as {
    ProjectReader: ProjectReaderClass;
  };
  const quiet = { debug: () => {}, info: () => {}, warn: () => {}, isDebugEnabled: () => false };
  const { readdir } = await import('node:fs/promises');
  const reader = new ProjectReader({ readdir }, quiet, {
    ...config,
    incremental: false,
    force: false,
    htmlReporter: { fileName: 'reports/mutation/html/index.html' },
    testFiles: [],
  });
  const project = await reader.read(undefined);
  return [...project.files.keys()].map((file) => relative(ROOT, file)).sort();
}

describe("npm run mutation's sandbox copy", () => {
  it('holds no folder: Stryker copies every entry it lists as a file, and a link to a folder fails the run (EISDIR)', async () => {
    expect(process.cwd()).toBe(ROOT);
    const files = await sandboxFiles();
    expect(files).toContain('core/errors/classify.ts');
    expect(files).toContain('test/unit/errors/classify.decisions.test.ts');
    expect(files.filter((file) => statSync(resolve(ROOT, file)).isDirectory())).toEqual([]);
  });
});

/** The test files `npm run mutation` runs: vitest.mutation.config.ts's include less its exclude. */
async function mutationSetTests(): Promise<string[]> {
  const { default: config } = (await import(pathToFileURL(resolve(ROOT, 'vitest.mutation.config.ts')).href)) as {
    default: { test: { include: string[]; exclude: string[] } };
  };
  return [...globSync(config.test.include, { cwd: ROOT, exclude: config.test.exclude })].sort();
}

/** Repository files a test names in a string (`'docs/catalog.md'`, `'scripts/schemas.ts'`): it reads or runs them. */
const NAMED_FILE = /['"`]((?:[\w.-]+\/)+[\w.-]+\.(?:ts|mjs|md|json))['"`]/g;

describe("npm run mutation's sandbox copy, for the tests it runs", () => {
  it('holds every file the mutation set imports, runs or reads by name, so the dry run passes as in the clone', async () => {
    const sandbox = new Set(await sandboxFiles());
    const tests = await mutationSetTests();
    expect(tests).toContain('test/unit/commands/schemas-command.test.ts');
    const named = tests.flatMap((test) =>
      [...readFileSync(resolve(ROOT, test), 'utf8').matchAll(NAMED_FILE)]
        .map((m) => m[1] ?? '')
        .filter((file) => existsSync(resolve(ROOT, file)) && statSync(resolve(ROOT, file)).isFile()),
    );
    // What the tests and the scripts they run import, dynamic imports included (esbuild follows literal ones).
    const { metafile } = await build({
      absWorkingDir: ROOT,
      entryPoints: [...tests, ...named.filter((file) => file.endsWith('.ts'))],
      bundle: true,
      write: false,
      outdir: 'out',
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
      metafile: true,
    });
    const imported = Object.keys(metafile.inputs).filter((file) => !file.includes('node_modules/'));
    const missing = [...new Set([...named, ...imported])].filter((file) => !sandbox.has(file)).sort();
    expect(missing).toEqual([]);
  }, 60_000);
});
