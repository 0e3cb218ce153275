import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../../..');
/** The launcher `npx goldsmith` runs: the bin of the local package bin/launcher, which `npm ci` links. */
const LAUNCHER = join(REPO, 'bin/launcher/goldsmith.sh');
let outside: string;

beforeAll(() => {
  outside = mkdtempSync(join(tmpdir(), 'goldsmith-launcher-'));
});

afterAll(() => {
  if (outside) rmSync(outside, { recursive: true, force: true });
});

/** Runs the launcher from `cwd` with Node 22 first on the PATH, as npx puts node_modules/.bin there. */
function goldsmith(cwd: string, args: string[]) {
  const path = [join(REPO, 'node_modules/.bin'), process.env.PATH ?? ''].join(delimiter);
  return run(LAUNCHER, args, { cwd, env: { ...process.env, PATH: path } }).then(
    (out) => ({ code: 0, ...out }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe('the goldsmith launcher', () => {
  it("runs the checkout's own goldsmith from any directory inside it", async () => {
    const { code, stderr } = await goldsmith(join(REPO, 'docs'), ['no-such-command']);
    expect(code).toBe(1);
    expect(stderr).toContain('goldsmith: unknown command "no-such-command" (commands: validate,');
  }, 60_000);

  it('says where to run it from outside a checkout, and runs nothing', async () => {
    const { code, stderr } = await goldsmith(outside, ['status']);
    expect(code).toBe(1);
    expect(stderr).toContain('goldsmith: run it inside the goldsmith repository');
  }, 60_000);

  it("is a linked package's bin, not the project's own (which npm exec would install into its cache on every call)", () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      bin?: unknown;
      devDependencies: Record<string, string>;
    };
    expect(pkg.bin).toBeUndefined();
    expect(pkg.devDependencies['goldsmith-launcher']).toBe('file:bin/launcher');
  });
});
