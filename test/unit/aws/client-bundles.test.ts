import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { analyseOutput } from '../../../scripts/bundle/build.js';
import { sstFunctionBuildOptions } from '../../../scripts/bundle/options.js';

const root = resolve(import.meta.dirname, '../../..');

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** SDK client packages in the minified bundle of one module, as `sst deploy` would build it. */
async function clientsInBundleOf(entry: string): Promise<string[]> {
  const options = sstFunctionBuildOptions([entry], { root, outdir: '/tmp/goldsmith-client-bundles' });
  const result = await build({ ...options, write: false });
  const [output] = Object.values(result.metafile?.outputs ?? {});
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return analyseOutput(output).clients;
}

describe('per-service client modules', () => {
  it('keeps every other SDK client out of a module that calls only SSM', async () => {
    expect(await clientsInBundleOf('aws/triggers/ssm.ts')).toEqual(['client-ssm']);
  });

  it('bundles exactly the clients a module calls when it uses several services', async () => {
    expect(await clientsInBundleOf('aws/promotion/promotion-images.ts')).toEqual([
      'client-ec2',
      'client-eventbridge',
      'client-imagebuilder',
    ]);
  });

  it('is what production code imports, never the all-clients aws/clients.ts', () => {
    // aws/clients.ts holds all fourteen constructors for the local cloud and tests; one import puts them all in a bundle.
    const production = [...sourcesUnder('aws'), ...sourcesUnder('functions')].filter((f) => f !== 'aws/clients.ts');
    const offenders = production.filter((file) =>
      /from '(\.\.?\/|(\.\.\/)+aws\/)clients\.js'/.test(readFileSync(join(root, file), 'utf8')),
    );

    expect(production.length).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });
});
