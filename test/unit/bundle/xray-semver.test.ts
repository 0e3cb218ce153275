import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaNode } from '../../../scripts/bundle/cold-load.js';
import { SST_ESM_BANNER } from '../../../scripts/bundle/options.js';
import { functionEsbuildOptions, xraySemverPlugin } from '../../../stacks/bundling.js';

const root = resolve(import.meta.dirname, '../../..');
const xrayLib = join(dirname(createRequire(import.meta.url).resolve('aws-xray-sdk-core/package.json')), 'dist', 'lib');

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

// Loads the X-Ray SDK as Powertools Tracer does, then its AWS SDK v2 patcher (the one user of semver) with a fake
// SDK: too old a version is refused, a recent one is patched.
const ENTRY = `
import xray from 'aws-xray-sdk-core';
export function captureAWS(version) {
  try {
    xray.captureAWS({ VERSION: version });
    return 'patched';
  } catch (error) {
    return error.message;
  }
}`;

const PROBE = `
const [url] = process.argv.slice(-1);
const mod = await import(url);
process.stdout.write(JSON.stringify({
  old: mod.captureAWS('2.7.14'),
  same: mod.captureAWS('2.7.15'),
  recent: mod.captureAWS('2.1693.0'),
}));
`;

describe('xraySemverPlugin', () => {
  let outdir: string;
  const files = new Map<string, string>();

  async function bundle(name: string, withPlugin: boolean) {
    const file = join(outdir, `${name}.mjs`);
    await build({
      stdin: { contents: ENTRY, resolveDir: root, loader: 'js' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'esnext',
      minify: true,
      keepNames: true,
      outfile: file,
      plugins: withPlugin ? [xraySemverPlugin()] : [],
      banner: { js: SST_ESM_BANNER },
      logLevel: 'silent',
    });
    files.set(name, file);
  }

  const probe = (name: string) =>
    JSON.parse(
      execFileSync(lambdaNode(root), ['--input-type=module', '-e', PROBE, pathToFileURL(files.get(name) ?? '').href], {
        env: { PATH: process.env.PATH ?? '', AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR' },
        encoding: 'utf8',
      }),
    ) as Record<string, string>;

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'goldsmith-xray-semver-'));
    await bundle('plain', false);
    await bundle('lean', true);
  }, 60_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('relies on the X-Ray SDK using semver for gte alone (fails if an upgrade uses more)', () => {
    const uses = jsFiles(xrayLib).flatMap((file) => {
      const source = readFileSync(file, 'utf8');
      return [...source.matchAll(/require\(['"](semver[^'"]*)['"]\)|\bsemver\.(\w+)/g)].map((m) => m[1] ?? m[2]);
    });
    expect([...new Set(uses)].sort()).toEqual(['gte', 'semver']);
  });

  it('answers the version check as the full semver does', () => {
    const expected = probe('plain');
    expect(expected.old).toMatch(/2\.7\.15 or greater required/);
    expect(expected.same).toBe('patched');
    expect(probe('lean')).toEqual(expected);
  });

  it('bundles only what gte needs, without the range parser', () => {
    const plain = readFileSync(files.get('plain') ?? '', 'utf8');
    const lean = readFileSync(files.get('lean') ?? '', 'utf8');
    expect(plain.length - lean.length).toBeGreaterThan(15_000);
    // semver's range parser (Range, Comparator) is what compiles most of its expressions: gone.
    expect(plain).toContain('"Comparator"');
    expect(lean).not.toContain('"Comparator"');
  });

  it('is one of the options every function is deployed with', () => {
    expect(functionEsbuildOptions().plugins.map((p) => p.name)).toContain(xraySemverPlugin().name);
  });
});
