import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SST_ESM_BANNER } from '../../../scripts/bundle/options.js';
import { functionEsbuildOptions, XRAY_SEMVER_GTE, xraySemverPlugin } from '../../../stacks/bundling.js';
import { bundleEntry, runProbe, suiteOutdir } from './helpers.js';

/** semver's own `gte`, the one the X-Ray SDK would load (semver ships no types; it is the X-Ray SDK's dependency). */
const semverGte = createRequire(import.meta.url)('semver/functions/gte') as (a: string, b: string) => boolean;

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
  const outdir = suiteOutdir('goldsmith-xray-semver-');
  const files = new Map<string, string>();

  async function bundle(name: string, withPlugin: boolean) {
    const file = join(outdir(), `${name}.mjs`);
    await bundleEntry(ENTRY, file, {
      keepNames: true,
      plugins: withPlugin ? [xraySemverPlugin()] : [],
      banner: { js: SST_ESM_BANNER },
    });
    files.set(name, file);
  }

  const probe = (name: string) => {
    const url = pathToFileURL(files.get(name) ?? '').href;
    return runProbe(PROBE, [url], { AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR' }) as Record<string, string>;
  };

  beforeAll(async () => {
    await bundle('plain', false);
    await bundle('lean', true);
  }, 60_000);

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
    // Nor any of semver itself: its SemVer class is not bundled.
    expect(plain).toContain('"SemVer"');
    expect(lean).not.toContain('"SemVer"');
  });

  it('orders versions as semver does, pre-releases and build metadata included, and refuses what is not one', () => {
    const module = { exports: {} as { gte: (a: string, b: string) => boolean } };
    new Function('module', XRAY_SEMVER_GTE)(module);
    const { gte } = module.exports;
    const versions = [
      ...['2.7.14', '2.7.15', '2.1693.0', '10.0.0', '1.10.0', 'v1.0.0', ' 2.0.0 ', '1.0.0', '1.0.0+build.5'],
      ...['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11'],
      ...['1.0.0-rc.1', '1.2.3-0', '1.2.3-a-b', '1.2.3-a.1', '1.2.3-a.1.b'],
    ];
    for (const a of versions) for (const b of versions) expect([a, b, gte(a, b)]).toEqual([a, b, semverGte(a, b)]);
    for (const bad of ['x', '1.2', '01.2.3']) expect(() => gte(bad, '1.0.0')).toThrow(`Invalid Version: ${bad}`);
  });

  it('is one of the options every function is deployed with', () => {
    expect(functionEsbuildOptions().plugins.map((p) => p.name)).toContain(xraySemverPlugin().name);
  });
});
