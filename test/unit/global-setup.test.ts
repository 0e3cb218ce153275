import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import setup from '../global-setup.js';

describe('the test run temp folder (test/global-setup.ts)', () => {
  const runFolder = process.env.TMPDIR;
  afterEach(() => {
    process.env.TMPDIR = runFolder;
  });

  it('gives the run a temp folder of its own and removes it when nothing was left in it', () => {
    const teardown = setup();
    const own = tmpdir();

    expect(own).not.toBe(runFolder);
    expect(own.startsWith(join(runFolder ?? '/tmp', 'goldsmith-vitest-'))).toBe(true);
    // Tool caches kept on purpose are not leftovers.
    mkdirSync(join(own, 'node-compile-cache'));
    mkdirSync(join(own, 'tsx-0'));
    expect(() => teardown()).not.toThrow();
    expect(existsSync(own)).toBe(false);
    expect(process.env.TMPDIR).toBe(runFolder);
  });

  it('fails the run naming what was left, and still removes the folder, when a test leaves something behind', () => {
    const teardown = setup();
    const own = tmpdir();
    mkdirSync(join(own, 'goldsmith-test-synth-abc123'));
    writeFileSync(join(own, 'event.json'), '{}');

    expect(() => teardown()).toThrow(
      /^the tests left 2 entries in the temp folder: event\.json, goldsmith-test-synth-abc123; remove what a test writes/,
    );
    expect(existsSync(own)).toBe(false);
  });
});
