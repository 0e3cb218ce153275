import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { captureOutput } from '../helpers/output.js';

/** A scenario asking the simulated organization for a change it cannot make is refused in one line, exit 1. */
describe('goldsmith simulate with an organization change the organization cannot make', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'goldsmith-org-scenario-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const scenario = (change: Record<string, unknown>) => {
    const file = join(dir, `${String(change.change)}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        start: '2027-01-01T00:00:00Z',
        until: '2027-01-02T12:00:00Z',
        organization: { accountsPerOu: 1 },
        events: [{ at: '2027-01-02T00:00:00Z', kind: 'organization', ...change }],
      }),
    );
    return file;
  };

  it('names the change, its time and what the organization does not have, without a stack trace', async () => {
    const out = await captureOutput(() =>
      main(['simulate', '--scenario', scenario({ change: 'move-account', account: '999999999999', to: 'r-x1y2' })]),
    );
    expect(out.code).toBe(1);
    expect(out.stderr).toBe(
      "goldsmith simulate: the scenario's organization change at 2027-01-02T00:00:00.000Z: move-account: no account 999999999999\n",
    );
  }, 120_000);
});
