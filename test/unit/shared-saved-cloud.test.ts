import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandOutput } from '../helpers/output.js';
import { sharedSavedCloud } from '../helpers/shared-saved-cloud.js';
import { testTempDir } from '../helpers/temp-dir.js';

/** A `save` that writes a state file naming its run, and counts its runs. */
function countingSave(code = 0) {
  const runs: string[] = [];
  const save = async (into: string): Promise<CommandOutput> => {
    runs.push(into);
    mkdirSync(into, { recursive: true });
    writeFileSync(join(into, 'state.json'), JSON.stringify({ run: runs.length }));
    return { code, stdout: `run ${runs.length}`, stderr: 'saved the local cloud' };
  };
  return { runs, save };
}

describe('a saved cloud shared by test files (test/helpers/shared-saved-cloud.ts)', () => {
  it('simulates a scenario once and gives each caller a private copy and the run output', async () => {
    const root = testTempDir('goldsmith-shared-cloud-');
    const cache = join(root, 'cache');
    const scenario = join(root, 'scenario.json');
    writeFileSync(scenario, '{"until":"2027-01-08T00:00:00Z"}');
    const { runs, save } = countingSave();

    const [first, second] = await Promise.all([
      sharedSavedCloud(scenario, join(root, 'a'), save, cache),
      sharedSavedCloud(scenario, join(root, 'b'), save, cache),
    ]);

    expect(runs).toHaveLength(1);
    expect(first).toEqual({ code: 0, stdout: 'run 1', stderr: 'saved the local cloud' });
    expect(second).toEqual(first);
    writeFileSync(join(root, 'a', 'state.json'), 'changed by a');
    expect(readFileSync(join(root, 'b', 'state.json'), 'utf8')).toBe('{"run":1}');
  });

  it('simulates again for another scenario text', async () => {
    const root = testTempDir('goldsmith-shared-cloud-');
    const cache = join(root, 'cache');
    const { runs, save } = countingSave();
    const scenarios: [string, string][] = [
      ['one', '{"seed":1}'],
      ['two', '{"seed":2}'],
    ];
    for (const [name, text] of scenarios) {
      writeFileSync(join(root, `${name}.json`), text);
      await sharedSavedCloud(join(root, `${name}.json`), join(root, name), save, cache);
    }

    expect(runs).toHaveLength(2);
  });

  it('keeps no failed run: the caller gets its output, and the next caller simulates again', async () => {
    const root = testTempDir('goldsmith-shared-cloud-');
    const cache = join(root, 'cache');
    const scenario = join(root, 'scenario.json');
    writeFileSync(scenario, '{}');
    const failing = countingSave(1);

    const failed = await sharedSavedCloud(scenario, join(root, 'a'), failing.save, cache);
    const { runs, save } = countingSave();
    const next = await sharedSavedCloud(scenario, join(root, 'b'), save, cache);

    expect(failed.code).toBe(1);
    expect(existsSync(join(root, 'a'))).toBe(false);
    expect(runs).toHaveLength(1);
    expect(next.code).toBe(0);
    expect(existsSync(join(root, 'b', 'state.json'))).toBe(true);
  });
});
