import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaNode } from '../../../scripts/bundle/cold-load.js';
import { SST_ESM_BANNER } from '../../../scripts/bundle/options.js';
import { functionEsbuildOptions, runtimeCredentialSourcesPlugin } from '../../../stacks/bundling.js';

const root = resolve(import.meta.dirname, '../../..');

// A function's use of the default chain (as every SDK client makes it), and one that imports a later source itself.
const CHAIN = `
import { defaultProvider } from '@aws-sdk/credential-provider-node';
export const credentials = () => defaultProvider()();`;
const DIRECT = `
import { fromIni } from '@aws-sdk/credential-provider-ini';
export const provider = typeof fromIni;`;

// Runs in a fresh Node with Lambda's credential variables: imports the bundle and asks the chain for credentials.
const PROBE = `
const [url] = process.argv.slice(-1);
const mod = await import(url);
const { accessKeyId, sessionToken } = await mod.credentials();
process.stdout.write(JSON.stringify({ accessKeyId, sessionToken }));
`;

const SOURCES = [
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
  '@smithy/credential-provider-imds',
];

describe('runtimeCredentialSourcesPlugin', () => {
  let outdir: string;
  const built = new Map<string, { file: string; bytes: number; inputs: string[] }>();

  async function bundle(name: string, contents: string, withPlugin: boolean) {
    const file = join(outdir, `${name}.mjs`);
    const result = await build({
      stdin: { contents, resolveDir: root, loader: 'js' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'esnext',
      minify: true,
      mainFields: ['module', 'main'],
      outfile: file,
      metafile: true,
      plugins: withPlugin ? [runtimeCredentialSourcesPlugin()] : [],
      banner: { js: SST_ESM_BANNER },
      logLevel: 'silent',
    });
    const output = Object.values((result.metafile as Metafile).outputs)[0];
    built.set(name, {
      file,
      bytes: output?.bytes ?? 0,
      inputs: Object.keys(output?.inputs ?? {}).filter((p) => (output?.inputs[p]?.bytesInOutput ?? 0) > 0),
    });
  }

  const packagesIn = (name: string) =>
    new Set(
      built.get(name)?.inputs.map((p) =>
        p
          .replace(/.*node_modules\//, '')
          .split('/')
          .slice(0, 2)
          .join('/'),
      ),
    );

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'goldsmith-credential-sources-'));
    await bundle('plain', CHAIN, false);
    await bundle('lean', CHAIN, true);
    await bundle('direct', DIRECT, true);
  }, 60_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("leaves the chain's later sources as imports of the runtime's SDK, and what only they use out of the bundle", () => {
    const code = readFileSync(built.get('lean')?.file ?? '', 'utf8');
    for (const source of SOURCES) expect(code).toContain(`import("${source}")`);
    const plain = packagesIn('plain');
    const lean = packagesIn('lean');
    expect(plain.has('@aws-sdk/nested-clients')).toBe(true);
    expect(lean.has('@aws-sdk/nested-clients')).toBe(false);
    for (const source of SOURCES) expect(lean.has(source)).toBe(false);
    expect((built.get('plain')?.bytes ?? 0) - (built.get('lean')?.bytes ?? 0)).toBeGreaterThan(50_000);
  });

  it("still bundles a later source that code imports statically (nothing loaded comes from the runtime's SDK)", () => {
    expect(packagesIn('direct').has('@aws-sdk/credential-provider-ini')).toBe(true);
    expect(readFileSync(built.get('direct')?.file ?? '', 'utf8')).not.toContain('import("@aws-sdk/');
  });

  it("gets Lambda's credentials from the environment, the chain's first link, without loading the others", () => {
    const out = execFileSync(
      lambdaNode(root),
      ['--input-type=module', '-e', PROBE, pathToFileURL(built.get('lean')?.file ?? '').href],
      {
        env: {
          PATH: process.env.PATH ?? '',
          AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          AWS_SESSION_TOKEN: 'lambda-session',
        },
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(out)).toEqual({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', sessionToken: 'lambda-session' });
  });

  it('is one of the options every function is deployed with', () => {
    expect(functionEsbuildOptions().plugins.map((p) => p.name)).toContain(runtimeCredentialSourcesPlugin().name);
  });
});
