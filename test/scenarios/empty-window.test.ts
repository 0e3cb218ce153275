import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldsmith } from './saved-run.js';

/**
 * `goldsmith simulate` on the example catalog over an hour in which nothing happens (the patch window is on the
 * 14th, the monthly summary goes out on the 1st): every part of the output says that it is empty and why, instead
 * of blank lines, a header with no rows, or a cost per promotion of zero.
 */
describe('goldsmith simulate over a window in which nothing happens', () => {
  let dir: string;
  let out: Awaited<ReturnType<typeof goldsmith>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'goldsmith-empty-window-'));
    const scenario = join(dir, 'scenario.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        start: '2027-01-05T00:00:00Z',
        until: '2027-01-05T01:00:00Z',
        organization: { accountsPerOu: 1 },
      }),
    );
    out = await goldsmith(['simulate', '--scenario', scenario]);
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says the timeline is empty, between the header and the tables', () => {
    expect(out.code).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'Goldsmith simulation 2027-01-05 00:00 → 2027-01-05 01:00 (seed 1)',
      '',
      '(no timeline line: nothing the timeline tells, such as a build, a promotion or an outcome, happened in the window)',
      '',
      'Builds',
    ]);
  });

  it('prints the monthly summaries table, saying why it is empty', () => {
    const lines = out.stdout.split('\n');
    const at = lines.indexOf('Monthly summaries (as announced)');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^\(none: no monthly summary was sent in the window \(/);
  });

  it('says there is no cost per channel promotion, not 0.0000', () => {
    const row = out.stdout.split('\n').find((l) => l.startsWith('orchestration per channel promotion'));
    expect(row).toMatch(/ none: no channel promotion in the window$/);
  });
});
