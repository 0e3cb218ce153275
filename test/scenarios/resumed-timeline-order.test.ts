import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationJson } from '../../local/simulator/report-schema.js';
import { goldsmith } from './saved-run.js';

const LONG = 300_000;

/**
 * The default catalog, nobody approving: at the save (6 January, 12:00) base 1.0.0/1 waits for its prod approval. An
 * operator approves it on the saved cloud (`goldsmith approve base prod --local DIR`), and `simulate --resume` goes
 * on: the approval and the promotion it lets through happen at the same instant.
 */
const SCENARIO = {
  start: '2027-01-01T00:00:00Z',
  until: '2027-01-06T12:00:00Z',
  organization: { accountsPerOu: 1 },
  approvals: 'none',
  seed: 5,
  events: [
    {
      at: '2027-01-01T01:00:00Z',
      kind: 'base-image-release',
      parameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    },
  ],
};

let root: string;
let resumed: { text: string; json: SimulationJson };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'goldsmith-resumed-timeline-'));
  const scenario = join(root, 'scenario.json');
  writeFileSync(scenario, JSON.stringify(SCENARIO));
  const saved = join(root, 'saved');
  await goldsmith(['simulate', '--scenario', scenario, '--save', saved, '--json']);
  const approved = await goldsmith(['approve', 'base', 'prod', '--local', saved, '--as', 'ops-lead', '--reason', 'ok']);
  expect(approved.code, approved.stderr).toBe(0);
  const text = await goldsmith(['simulate', '--resume', saved, '--until', '2027-01-07T00:00:00Z']);
  const json = await goldsmith(['simulate', '--resume', saved, '--until', '2027-01-07T12:00:00Z', '--json']);
  resumed = { text: text.stdout, json: JSON.parse(json.stdout) as SimulationJson };
}, LONG);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the resumed timeline keeps an operator request before what it caused at its instant', () => {
  it('prints the approve before the promotion to prod it let through, both at 12:00', () => {
    const lines = resumed.text.split('\n');
    const approve = lines.findIndex((l) => /^2027-01-06 12:00 +goldsmith approve base prod as ops-lead/.test(l));
    const promoted = lines.findIndex((l) => /^2027-01-06 12:00 +base +1\.0\.0\/1 promoted to prod$/.test(l));
    expect(approve).toBeGreaterThan(0);
    expect(promoted).toBe(approve + 1);
  });

  it('orders the JSON timeline the same way', () => {
    const at = resumed.json.timeline.filter((e) => e.at === '2027-01-06T12:00:00.000Z').map((e) => e.text);
    expect(at[0]).toMatch(/^goldsmith approve base prod as ops-lead \(operator endpoint, 200\): done$/);
    expect(at).toContain('1.0.0/1 promoted to prod');
  });
});
