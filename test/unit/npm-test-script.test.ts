import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * scripts/test.mjs (what `npm test` runs), with stand-ins for biome, vitest and the `node` that runs verify on the
 * PATH, and for the checkout's TypeScript 7 compiler: each prints what it was asked and exits with the code the test
 * gives it.
 */
const run = promisify(execFile);
const SCRIPT = new URL('../../scripts/test.mjs', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Codes {
  lint?: number;
  vitest?: number;
  tsc?: number;
  verify?: number;
  build?: number;
}

async function npmTest(codes: Codes, args: string[] = []): Promise<{ code: number; out: string }> {
  const bin = mkdtempSync(join(tmpdir(), 'goldsmith-npm-test-'));
  dirs.push(bin);
  const marker = join(bin, 'vitest-ended');
  // A copy of the script in a checkout of its own, so that what it clears is that checkout's, not this run's.
  mkdirSync(join(bin, 'scripts'));
  copyFileSync(SCRIPT, join(bin, 'scripts', 'test.mjs'));
  const stale = join(bin, 'node_modules', '.cache', 'goldsmith-verify');
  mkdirSync(stale, { recursive: true });
  writeFileSync(join(stale, 'earlier-run.json'), '{}');
  const stub = (name: string, body: string): void => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  stub('biome', `echo "biome $*"; exit ${codes.lint ?? 0}`);
  stub(
    'vitest',
    `sleep 0.3; echo "vitest $*"; [ -e ${join(stale, 'earlier-run.json')} ] && echo "stale figures seen"; touch ${marker}; exit ${codes.vitest ?? 0}`,
  );
  // The type-check is the checkout's TypeScript 7 compiler, a script run by the Node running test.mjs.
  const tsc = join(bin, 'node_modules', 'typescript-native', 'bin');
  mkdirSync(tsc, { recursive: true });
  writeFileSync(
    join(tsc, 'tsc'),
    `process.stdout.write(\`tsc ran \${process.argv.slice(2).join(' ')}\\n\`); process.exit(${codes.tsc ?? 0});\n`,
  );
  // verify reads its standard input to the end: it must close only after vitest has ended. The same `node` runs the
  // real build (scripts/build.ts).
  stub(
    'node',
    `case "$*" in *scripts/build.ts*) echo "build $*"; exit ${codes.build ?? 0};; esac; cat > /dev/null; if [ -f ${marker} ]; then echo "verify $* after vitest"; else echo "verify $* before vitest"; fi; exit ${codes.verify ?? 0}`,
  );
  try {
    const line = `PATH="${bin}:$PATH" exec "${process.execPath}" "${join(bin, 'scripts', 'test.mjs')}" "$@"`;
    const { stdout } = await run('sh', ['-c', line, 'sh', ...args]);
    return { code: 0, out: stdout };
  } catch (e) {
    const failed = e as { code: number; stdout: string };
    return { code: failed.code, out: failed.stdout };
  }
}

describe('npm test (scripts/test.mjs)', () => {
  it('lints, runs vitest with the arguments given, and prints the type-check and verify after it', async () => {
    const { code, out } = await npmTest({}, ['test/unit']);
    expect(code).toBe(0);
    expect(out).toContain('biome check .');
    expect(out).toContain('vitest run test/unit');
    // An earlier run's request-check figures are cleared before vitest starts.
    expect(out).not.toContain('stale figures seen');
    expect(out).toContain('verify --import tsx scripts/verify.ts --suite-on-stdin-end after vitest');
    expect(out).toContain('tsc ran --noEmit --incremental --tsBuildInfoFile');
    expect(out.indexOf('vitest run')).toBeLessThan(out.indexOf('tsc ran'));
    expect(out.indexOf('tsc ran')).toBeLessThan(out.indexOf('verify --import'));
    // The real `sst build` and its readiness checks run too, their output printed after verify's.
    expect(out).toContain('build --import tsx scripts/build.ts');
    expect(out).toContain('> npm run build (the real sst build, offline, beside vitest): ok');
    expect(out.indexOf('verify --import')).toBeLessThan(out.indexOf('build --import'));
  });

  it('stops at a lint failure without running the tests', async () => {
    const { code, out } = await npmTest({ lint: 3 });
    expect(code).toBe(3);
    expect(out).not.toContain('vitest run');
  });

  it('fails with the first failure of vitest, the type-check and verify, and still prints all of them', async () => {
    const vitestFails = await npmTest({ vitest: 1, tsc: 2, verify: 4 });
    expect(vitestFails.code).toBe(1);
    expect(vitestFails.out).toContain('tsc ran');
    expect(vitestFails.out).toContain('verify --import');
    expect((await npmTest({ tsc: 2, verify: 4 })).code).toBe(2);
    const verifyFails = await npmTest({ verify: 4 });
    expect(verifyFails.code).toBe(4);
    expect(verifyFails.out).toContain('> tsc --noEmit (beside vitest): ok');
  });

  it('fails when the real build fails, though vitest, the type-check and verify pass', async () => {
    const { code, out } = await npmTest({ build: 5 });
    expect(code).toBe(5);
    expect(out).toContain('> npm run build (the real sst build, offline, beside vitest): FAILED');
  });
});
