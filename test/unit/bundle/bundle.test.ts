import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseOutput, type BundledFunction, bundleFunctions, packageOfInput } from '../../../scripts/bundle/build.js';
import { type ColdLoad, lambdaNode, measureColdLoad, nodeVersion } from '../../../scripts/bundle/cold-load.js';
import { globHandlers } from '../../../scripts/bundle/handlers.js';

const root = resolve(import.meta.dirname, '../../..');

describe('bundleFunctions', () => {
  let outdir: string;
  let bundle: BundledFunction;
  let load: ColdLoad;

  beforeAll(async () => {
    // Prepare: the approval callback, the smallest handler, bundled as sst deploy would, outside the repository.
    const fn = globHandlers(root).find((f) => f.name === 'approval-callback');
    if (!fn) throw new Error('functions/approval-callback.ts no longer exports a handler');
    outdir = mkdtempSync(join(tmpdir(), 'goldsmith-bundle-test-'));
    // Act
    [bundle] = (await bundleFunctions([fn], { root, outdir })) as [BundledFunction];
    load = await measureColdLoad(bundle.file, {
      node: lambdaNode(root),
      exportName: 'handler',
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' },
    });
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('writes an ES module with the createRequire banner outside the repository', () => {
    expect(bundle.file.startsWith(outdir)).toBe(true);
    expect(bundle.file.endsWith('.mjs')).toBe(true);
    expect(
      readFileSync(bundle.file, 'utf8').startsWith("import { createRequire as topLevelCreateRequire } from 'module';"),
    ).toBe(true);
  });

  it('loads under Node 22 and exports the handler function when imported', async () => {
    expect(await nodeVersion(lambdaNode(root))).toMatch(/^v22\./);
    expect(load.handlerIsFunction).toBe(true);
    expect(load.ms).toBeGreaterThan(0);
    expect(load.cpuMs).toBeGreaterThan(0);
  });

  it('takes the SDK clients from their ES module build, not dist-cjs, when mainFields prefers module', () => {
    expect(bundle.clients).toContain('client-secrets-manager');
    expect(bundle.cjsSdkPackages).toEqual([]);
  });

  it('measures the minified and gzip sizes of the file it wrote', () => {
    expect(bundle.bytes).toBe(readFileSync(bundle.file).length);
    expect(bundle.gzipBytes).toBeGreaterThan(0);
    expect(bundle.gzipBytes).toBeLessThan(bundle.bytes);
  });
});

describe('globHandlers', () => {
  it('lists the functions/ modules that export a handler and skips the helpers that do not', () => {
    const names = globHandlers(root).map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['start-builds', 'promotion/share', 'approval-callback']));
    expect(names).not.toContain('promotion/lambda');
    expect(names).not.toContain('promotion/schemas');
  });
});

describe('analyseOutput', () => {
  it('flags an SDK package taken from dist-cjs when tree-shaking failed', () => {
    const result = analyseOutput({
      bytes: 300,
      imports: [],
      exports: [],
      inputs: {
        'node_modules/@aws-sdk/client-ec2/dist-cjs/index.js': { bytesInOutput: 200 },
        'node_modules/@smithy/core/dist-es/index.js': { bytesInOutput: 60 },
        'functions/x.ts': { bytesInOutput: 40 },
      },
    });
    expect(result.cjsSdkPackages).toEqual(['@aws-sdk/client-ec2']);
    expect(result.clients).toEqual(['client-ec2']);
    expect(result.packages.map((p) => p.name)).toEqual(['@aws-sdk/client-ec2', '@smithy/core', '(goldsmith)']);
  });

  it('ignores a dist-cjs input that contributed no bytes', () => {
    const result = analyseOutput({
      bytes: 10,
      imports: [],
      exports: [],
      inputs: { 'node_modules/@aws-sdk/client-sns/dist-cjs/index.js': { bytesInOutput: 0 } },
    });
    expect(result.cjsSdkPackages).toEqual([]);
    expect(result.clients).toEqual([]);
  });
});

describe('packageOfInput', () => {
  it('names scoped and unscoped packages with their build folder when under node_modules', () => {
    expect(packageOfInput('node_modules/@aws-sdk/client-ec2/dist-es/EC2Client.js')).toEqual({
      name: '@aws-sdk/client-ec2',
      build: 'dist-es',
    });
    expect(packageOfInput('node_modules/zod/v4/classic/schemas.js')).toEqual({ name: 'zod', build: 'v4' });
    expect(packageOfInput('node_modules/a/node_modules/@smithy/core/dist-cjs/x.js').name).toBe('@smithy/core');
  });

  it('counts files outside node_modules as our own code', () => {
    expect(packageOfInput('functions/start-builds.ts')).toEqual({ name: '(goldsmith)' });
  });
});
