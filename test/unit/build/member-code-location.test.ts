import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { initProject } from 'sst/project.js';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `sst build` and `sst deploy` bundle sst.config.ts with every stack into one `.sst.config.<time>.mjs` in the current
 * directory and run that (node_modules/sst/stacks/build.js), so a stack module's `import.meta.url` names the bundle,
 * not the module. The member function's source must still be found: bundled the same way into another folder, the
 * stack code resolves it from the app's root.
 */
const ROOT = new URL('../../../', import.meta.url).pathname;
const CACHE = join(ROOT, 'node_modules', '.cache', 'goldsmith');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("the member function's source, from a bundle of the stacks as sst build makes it", () => {
  it('is found and built from the app root, wherever the bundle lies', async () => {
    await initProject({ stage: 'test' });
    mkdirSync(CACHE, { recursive: true });
    const dir = mkdtempSync(join(CACHE, 'bundled-config-'));
    dirs.push(dir);
    const outfile = join(dir, `.sst.config.${Date.now()}.mjs`);
    await build({
      stdin: {
        contents: `export { memberFunctionCode } from ${JSON.stringify(join(ROOT, 'stacks/member-baseline/code.ts'))};`,
        resolveDir: ROOT,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile,
      logLevel: 'silent',
    });
    const bundled = (await import(pathToFileURL(outfile).href)) as { memberFunctionCode(): string };
    const code = bundled.memberFunctionCode();
    expect(code.length).toBeGreaterThan(100);
    expect(code).toContain('CreateGrant');
  });
});
