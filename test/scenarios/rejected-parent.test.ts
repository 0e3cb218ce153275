import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { SimulationReport } from '../../local/simulator/report.js';
import { captureOutput } from '../helpers/output.js';
import { AL2023, al2023Image, catalogInput, childImage, OPS_LEAD_APPROVAL } from './helpers.js';

/**
 * ops-lead rejects base 1.0.0/1 for prod (CHG-2001). hardened 1.0.0/1, built on that same base version (its lineage
 * follows base's staging channel), waits for prod's approval too: that wait ends at the rejection's instant, held by
 * its parent's rejection; ops-lead's approval a day later finds nothing waiting. It never reaches prod, and status
 * and history say why from that instant.
 */
const goldsmith = (args: string[]) => captureOutput(() => main(args));
const catalog = catalogInput(
  {
    base: al2023Image({ regions: ['us-east-1'], triggers: { baseImage: true, packages: [] } }),
    hardened: childImage('base', 'staging', { regions: ['us-east-1'] }),
  },
  [
    { name: 'staging', targets: { ous: ['ou-x1y2-stg00001'] } },
    { name: 'prod', targets: { ous: ['ou-x1y2-prd00001'] }, approval: OPS_LEAD_APPROVAL },
  ],
);
const HOLD = 'held: built on base 1.0.0/1, rejected for prod by ops-lead: CHG-2001: wait for the kernel fix';

let root: string;
let report: SimulationReport;
let status: string;
let history: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'goldsmith-rejected-parent-'));
  writeFileSync(join(root, 'catalog.json'), JSON.stringify(catalog));
  writeFileSync(
    join(root, 'scenario.json'),
    JSON.stringify({
      start: '2027-01-01T00:00:00Z',
      until: '2027-01-04T00:00:00Z',
      organization: { accountsPerOu: 1 },
      approvals: 'none',
      events: [
        { at: '2027-01-01T01:00:00Z', kind: 'base-image-release', parameter: AL2023 },
        {
          at: '2027-01-01T12:00:00Z',
          kind: 'reject',
          image: 'base',
          channel: 'prod',
          by: 'ops-lead',
          reason: 'CHG-2001: wait for the kernel fix',
        },
        { at: '2027-01-02T12:00:00Z', kind: 'approve', image: 'hardened', channel: 'prod', by: 'ops-lead' },
      ],
    }),
  );
  const dir = join(root, 'run');
  const run = await goldsmith([
    'simulate',
    '--config',
    join(root, 'catalog.json'),
    '--scenario',
    join(root, 'scenario.json'),
    '--save',
    dir,
    '--json',
  ]);
  expect(run.code, run.stderr).toBe(0);
  report = JSON.parse(run.stdout) as SimulationReport;
  status = (await goldsmith(['status', '--local', dir])).stdout;
  history = (await goldsmith(['history', 'hardened', '--local', dir])).stdout;
}, 600_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('a parent version rejected for prod', () => {
  it("ends the child's waiting prod approval at the rejection's instant; staging is not held", () => {
    const child = report.promotions.filter((p) => p.image === 'hardened' && p.version === '1.0.0/1');
    expect(child.map((p) => `${p.channel} ${p.outcome}`)).toEqual(['staging promoted', 'prod aborted']);
    expect(child.find((p) => p.channel === 'prod')?.reason).toBe(HOLD);
    expect(Date.parse(child.find((p) => p.channel === 'prod')?.at ?? '')).toBe(Date.parse('2027-01-01T12:00:00Z'));
    expect(report.pointers['hardened/prod']).toBeUndefined();
    expect(report.pointers['hardened/staging']).toBeDefined();
  });

  it("says why in status and in the child's history, from the rejection's instant", () => {
    expect(status).toContain(`aborted for prod: ${HOLD}`);
    expect(status).not.toMatch(/waiting for approval of 1\.0\.0\/1/);
    // Withdrawn at the rejection: ops-lead's approval a day later decides nothing.
    expect(history).not.toContain('prod     approved by ops-lead');
    expect(history).toContain(`2027-01-01 12:00  1.0.0/1   prod     aborted by goldsmith: ${HOLD}`);
  });
});
