import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../../..');
const PICTURE = join(REPO, 'docs/images/simulation-report.png');

/** `npm run screenshots [-- NAME …]` as package.json runs it, with CHROMIUM naming the browser. */
function screenshots(args: string[], chromium: string) {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/screenshots.ts', ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, CHROMIUM: chromium },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

describe('npm run screenshots (scripts/screenshots.ts)', () => {
  it('says in one line that Chromium is missing and how to get it, exits 1 and runs no simulation', () => {
    const before = statSync(PICTURE).mtimeMs;

    const { code, stdout, stderr, ms } = screenshots([], join(REPO, 'no-such-dir', 'chromium'));

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^npm run screenshots: no Chromium found: ".*chromium" \(from CHROMIUM\) is not installed/);
    expect(stderr).toContain('apt-get install -y chromium');
    expect(stderr).toContain('set CHROMIUM');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/^\s+at /m);
    // The default quarter it renders takes tens of seconds: a refusal in a few means it did not start.
    expect(ms).toBeLessThan(10_000);
    expect(statSync(PICTURE).mtimeMs).toBe(before);
  });

  it('refuses a browser that does not run, and a picture it does not know, before anything else', () => {
    const broken = screenshots([], 'false');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^npm run screenshots: Chromium "false" \(from CHROMIUM\) --version exited 1 /);

    const unknown = screenshots(['no-such-picture'], 'false');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('npm run screenshots: unknown picture no-such-picture (known: simulation-report)\n');
  });
});
