import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RUN_FIXTURES_ENV } from '../global-setup.js';
import type { CommandOutput } from '../helpers/output.js';
import { sharedSavedCloud } from '../helpers/run-fixtures.js';

describe('a saved cloud shared by the files of a run (test/helpers/run-fixtures.ts)', () => {
  let root: string;
  const before = process.env[RUN_FIXTURES_ENV];
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'goldsmith-run-fixtures-'));
    process.env[RUN_FIXTURES_ENV] = join(root, 'fixtures');
  });
  afterEach(() => {
    if (before === undefined) delete process.env[RUN_FIXTURES_ENV];
    else process.env[RUN_FIXTURES_ENV] = before;
    rmSync(root, { recursive: true, force: true });
  });

  /** A maker that saves one file naming the call, after a pause so that callers overlap; counts its calls. */
  function maker(code = 0) {
    const made: string[] = [];
    const make = async (dir: string): Promise<CommandOutput> => {
      made.push(dir);
      await new Promise((resolve) => setTimeout(resolve, 50));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'state.json'), JSON.stringify({ call: made.length }));
      return { code, stdout: '', stderr: `saved ${made.length}` };
    };
    return { made, make };
  }

  it('makes the cloud once for callers at the same time, and gives each its own copy and the output', async () => {
    const { made, make } = maker();
    const [a, b] = await Promise.all(
      ['a', 'b'].map((name) => sharedSavedCloud({ scenario: 1 }, join(root, name), make)),
    );
    expect(made).toHaveLength(1);
    expect([a, b]).toEqual([
      { code: 0, stdout: '', stderr: 'saved 1' },
      { code: 0, stdout: '', stderr: 'saved 1' },
    ]);
    for (const name of ['a', 'b']) expect(readFileSync(join(root, name, 'state.json'), 'utf8')).toBe('{"call":1}');
    // A copy of its own: what one caller changes, the other does not see.
    writeFileSync(join(root, 'a', 'state.json'), '{}');
    expect(readFileSync(join(root, 'b', 'state.json'), 'utf8')).toBe('{"call":1}');
    // Other inputs make another cloud.
    await sharedSavedCloud({ scenario: 2 }, join(root, 'c'), make);
    expect(made).toHaveLength(2);
  });

  it('shares only a cloud whose command succeeded: the next caller makes it again', async () => {
    const failing = maker(1);
    expect((await sharedSavedCloud({ scenario: 1 }, join(root, 'a'), failing.make)).code).toBe(1);
    const { made, make } = maker();
    expect((await sharedSavedCloud({ scenario: 1 }, join(root, 'b'), make)).code).toBe(0);
    expect(made).toEqual([join(root, 'b')]);
  });

  it('makes a cloud for each caller outside a run with a fixtures folder, writing nothing else', async () => {
    delete process.env[RUN_FIXTURES_ENV];
    const { made, make } = maker();
    await sharedSavedCloud({ scenario: 1 }, join(root, 'a'), make);
    await sharedSavedCloud({ scenario: 1 }, join(root, 'b'), make);
    expect(made).toEqual([join(root, 'a'), join(root, 'b')]);
    expect(readdirSync(root).sort()).toEqual(['a', 'b']);
  });
});
