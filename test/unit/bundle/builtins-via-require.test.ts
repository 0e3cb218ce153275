import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SST_ESM_BANNER } from '../../../scripts/bundle/options.js';
import { builtinsViaRequirePlugin, functionEsbuildOptions } from '../../../stacks/bundling.js';
import { bundleEntry, runProbe, suiteOutdir } from './helpers.js';

// Node's modules imported every way ES modules import them: named, default, namespace, with and without `node:`.
const ENTRY = `
import http, { request } from 'node:http';
import { readFile } from 'fs/promises';
import * as os from 'node:os';
import { env } from 'node:process';
export async function run(file) {
  return {
    requestIsHttps: request === http.request,
    requestType: typeof request,
    platform: os.platform(),
    home: env.GOLDSMITH_TEST_HOME,
    text: (await readFile(file, 'utf8')).slice(0, 6),
  };
}`;

// Runs in a fresh Node: imports the bundle, calls run, and reports which of Node's internals the import loaded.
const PROBE = `
const [url, file] = process.argv.slice(-2);
const before = new Set(process.moduleLoadList);
const mod = await import(url);
const loaded = process.moduleLoadList.filter((m) => !before.has(m));
process.stdout.write(JSON.stringify({ result: await mod.run(file), undici: loaded.some((m) => m.includes('undici')) }));
`;

interface Probe {
  result: { requestIsHttps: boolean; requestType: string; platform: string; home: string; text: string };
  undici: boolean;
}

describe('builtinsViaRequirePlugin', () => {
  const outdir = suiteOutdir('goldsmith-builtins-');
  let plain: string;
  let routed: string;

  async function bundle(name: string, plugins: ReturnType<typeof builtinsViaRequirePlugin>[]): Promise<string> {
    const file = join(outdir(), `${name}.mjs`);
    await bundleEntry(ENTRY, file, { plugins, banner: { js: SST_ESM_BANNER } });
    return file;
  }

  const probe = (file: string): Probe =>
    runProbe(PROBE, [pathToFileURL(file).href, file], { GOLDSMITH_TEST_HOME: '/home/test' }) as Probe;

  beforeAll(async () => {
    plain = await bundle('plain', []);
    routed = await bundle('routed', [builtinsViaRequirePlugin()]);
  }, 60_000);

  it('gives the bundled code the same modules and values as ES imports do', () => {
    const expected = probe(plain).result;
    expect(expected).toEqual({
      requestIsHttps: true,
      requestType: 'function',
      platform: process.platform,
      home: '/home/test',
      text: 'import',
    });
    expect(probe(routed).result).toEqual(expected);
  });

  it("keeps Node's undici unloaded when the bundle loads, where an ES import of node:http loads it", () => {
    expect(probe(plain).undici).toBe(true);
    expect(probe(routed).undici).toBe(false);
  });

  it('leaves no ES import of a Node module in the bundle but the banner', () => {
    const imports = readFileSync(routed, 'utf8').match(/import\s*\{?[^;]*?\}?\s*from\s*["'][^"']+["']/g) ?? [];
    expect(imports.map((i) => i.replace(/.*from\s*/, ''))).toEqual([`'module'`, '"url"']);
  });

  it('is one of the options every function is deployed with', () => {
    expect(functionEsbuildOptions().plugins.map((p) => p.name)).toContain(builtinsViaRequirePlugin().name);
  });
});
