import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BuildOptions, type BuildResult, build } from 'esbuild';
import { afterAll, beforeAll } from 'vitest';
import { lambdaNode } from '../../../scripts/bundle/cold-load.js';

/** The repository's root, where bundled entries resolve their packages. */
export const ROOT = resolve(import.meta.dirname, '../../..');

/** A temporary folder for the enclosing suite's bundles, made before its tests and removed after them. */
export function suiteOutdir(prefix: string): () => string {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}

/** Bundles the JavaScript `entry` for Node (ESM, esnext, minified) into `outfile`, with `options` on top. */
export function bundleEntry<T extends BuildOptions>(
  entry: string,
  outfile: string,
  options: T,
): Promise<BuildResult<T>> {
  const all: BuildOptions = {
    stdin: { contents: entry, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'esnext',
    minify: true,
    outfile,
    logLevel: 'silent',
    ...options,
  };
  // esbuild types what it returns after the options given (a metafile when asked for one): the same options.
  return build(all) as Promise<BuildResult<T>>;
}

/** Runs the ES module `probe` in a fresh Lambda-version Node with `args`, PATH and `env` only; parses its output. */
export function runProbe(probe: string, args: string[], env: Record<string, string>): unknown {
  return JSON.parse(
    execFileSync(lambdaNode(ROOT), ['--input-type=module', '-e', probe, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    }),
  );
}
