import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { benchmarkCatalog, DEFAULT_SHAPE, totalAccounts } from '../../../bench/catalog.js';
import { formatOrganization } from '../../../bench/organization.js';
import { benchmarkSimulation, findSimulateModule, formatSimulation } from '../../../bench/simulation.js';

describe('benchmarkCatalog', () => {
  it('generates 20 images in chains over 16 regions and channels reaching 1000 accounts by default', () => {
    const catalog = benchmarkCatalog();
    const images = Object.entries(catalog.images);
    expect(images).toHaveLength(20);
    expect(images.every(([, image]) => image.regions.length === 16)).toBe(true);
    expect(images.filter(([, image]) => typeof image.parent === 'string')).toHaveLength(4);
    expect(catalog.images['chain1-level3']?.parent).toEqual({ image: 'chain1-level2', channel: 'staging' });
    const ous = catalog.channels.flatMap((c) => c.targets.ous);
    expect(new Set(ous).size * DEFAULT_SHAPE.accountsPerOu).toBe(1000);
    expect(totalAccounts(DEFAULT_SHAPE)).toBe(1000);
  });

  it('refuses more regions than it knows when asked for them', () => {
    expect(() => benchmarkCatalog({ ...DEFAULT_SHAPE, regions: 40 })).toThrow(/at most \d+ regions/);
  });
});

describe('benchmarkSimulation', () => {
  let root: string;
  const writeSimulator = (source: string) => {
    mkdirSync(join(root, 'local', 'simulator'), { recursive: true });
    writeFileSync(join(root, 'local', 'simulator', 'run.ts'), source);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'goldsmith-bench-test-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('says the benchmark is not available, with no figures, when no module exports simulate', async () => {
    writeSimulator('export function synthesize() {}\n');
    expect(findSimulateModule(root)).toBeUndefined();
    const result = await benchmarkSimulation(root, { months: 1 });
    expect(formatSimulation(result)).toBe(
      'simulation benchmark: not available yet (local/simulator has no simulate())',
    );
  });

  it('reports calls per promotion and months per second from the report when simulate returns one', async () => {
    writeSimulator(`export async function simulate(catalog, scenario, root) {
      if (typeof root !== 'string' || scenario.until !== '2027-03-01T00:00:00.000Z') throw new Error('bad call');
      const report = {
        builds: Object.keys(catalog.images).map((image) => ({ image })),
        promotions: [{ outcome: 'promoted' }, { outcome: 'promoted' }, { outcome: 'rejected' }, { outcome: 'promoted' }],
        apiCalls: { 'ec2:ModifyImageAttribute': 30, 'ssm:PutParameter': 10 },
        consistency: { ok: true, problems: [] },
      };
      return { report, timeline: [], notes: [], run: { steps: 77, peakRssMb: 412.4 } };
    }\n`);
    const result = await benchmarkSimulation(root, { months: 2 });
    expect(result).toMatchObject({
      available: true,
      module: join('local', 'simulator', 'run.ts'),
      builds: 20,
      promotions: 4,
      promoted: 3,
      apiCalls: 40,
      // Per channel promotion: 40 calls over the 3 promoted (the rejected attempt is no promotion).
      apiCallsPerPromotion: 13.3,
      consistent: true,
      steps: 77,
    });
    if (!result.available) throw new Error('unreachable');
    expect(result.simulatedMonthsPerSecond).toBeGreaterThan(0);
    // The run's own peak-memory figure, printed in MiB as simulate prints it.
    expect(result.peakRssMb).toBe(412.4);
    expect(formatSimulation(result)).toContain('40 (13.3 per channel promotion)');
    expect(formatSimulation(result)).toContain('20 / 3 promoted (4 attempted: rejected, expired and aborted too)');
    expect(formatSimulation(result)).toContain('peak memory               412 MiB');
  });

  it("prints the functions that took the run longest, from the run's own times", async () => {
    writeSimulator(`export async function simulate() {
      const report = { builds: [], promotions: [{ outcome: 'promoted' }], apiCalls: {} };
      const functions = { Sweep: { invocations: 3, ms: 1500 }, Reconciler: { invocations: 9, ms: 4500 } };
      return { report, timeline: [], notes: [], run: { functions } };
    }\n`);
    const result = await benchmarkSimulation(root, { months: 1 });
    if (!result.available) throw new Error('unreachable');
    expect(result.functions.map((f) => f.name)).toEqual(['Reconciler', 'Sweep']);
    const text = formatSimulation(result);
    expect(text).toContain('time by function          6.0 s in 2 functions, the longest:');
    expect(text).toMatch(/Reconciler\s+4\.5 s\s+9 runs\n\s+Sweep\s+1\.5 s\s+3 runs/);
  });

  it("prints the sharing figures: ModifyImageAttribute against the planner's minimum and the largest wave", async () => {
    writeSimulator(`export async function simulate() {
      const report = {
        builds: [], promotions: [{ outcome: 'promoted' }], apiCalls: { 'ec2:ModifyImageAttribute': 16 },
        sharing: { promotions: 1, modifyImageAttribute: 16, modifySnapshotAttribute: 0, minimumModifyImageAttribute: 16,
          waves: { count: 1, totalVirtualSeconds: 2.5,
            largest: { start: '2027-01-15T04:00:00.000Z', calls: 48, regions: 16, virtualSeconds: 2.5, longestCallSeconds: 0.4, lowerBoundSeconds: 0 } } },
      };
      return { report, timeline: [], notes: [], run: {} };
    }\n`);
    const result = await benchmarkSimulation(root, { months: 1 });
    const text = formatSimulation(result);
    expect(text).toContain(
      "ModifyImageAttribute      16 for 1 AMI channel promotions (16.00 each; planner's minimum 16)",
    );
    expect(text).toContain(
      "48 calls in 16 regions: 2.5 s virtual (longest call 0.4 s), token buckets' lower bound 0 s (1 waves)",
    );
  });

  it('prints each operation per promotion beside the minimum the plan needs, the ratio and DynamoDB requests', async () => {
    writeSimulator(`export async function simulate() {
      const report = {
        builds: [], promotions: [{ outcome: 'promoted' }, { outcome: 'promoted' }], apiCalls: { 'ram:GetResourceShares': 32 },
        callPlan: { promotions: 2, made: 96, minimum: 64, ratio: 1.5,
          operations: [
            { operation: 'ec2:ModifyImageAttribute', made: 32, minimum: 32, basis: "the sharing planner's minimum" },
            { operation: 'ram:GetResourceShares', made: 32, minimum: 0, basis: 'the share, once made, is known' },
            { operation: 'ssm:PutParameter', made: 32, minimum: 32, basis: 'a change the run required' },
          ],
          dynamo: { requests: 50, byOperation: { 'dynamodb:Query': 30, 'dynamodb:PutItem': 20 } } },
      };
      return { report, timeline: [], notes: [], run: {} };
    }\n`);
    const text = formatSimulation(await benchmarkSimulation(root, { months: 1 }));
    expect(text).toContain('API calls per promotion   48.0 made, 32.0 needed: ratio 1.5 (2 channel promotions)');
    expect(text).toMatch(/ram:GetResourceShares\s+16\.0\s+0\.0\s+\(none needed\)/);
    expect(text).toMatch(/ec2:ModifyImageAttribute\s+16\.0\s+16\.0\s+×1\.00/);
    expect(text).toContain('DynamoDB per promotion    25.0 requests (Query 15.0, PutItem 10.0)');
  });

  it("prints the member baseline's work on a line of its own, outside the calls per promotion", async () => {
    writeSimulator(`export async function simulate() {
      const at = (m) => new Date(Date.UTC(2027, 0, 1) + m * 60000).toISOString();
      const report = {
        scenario: { start: at(0) },
        builds: [], promotions: [{ outcome: 'promoted' }, { outcome: 'promoted' }], apiCalls: { 'ssm:PutParameter': 8 },
        memberBaseline: {
          stackSet: 'goldsmith-test-member-baseline',
          instances: [
            { account: '200000000001', region: 'eu-west-1', status: 'CURRENT', at: at(5) },
            { account: '200000000002', region: 'eu-west-1', status: 'OUTDATED', statusReason: 'no answer', at: at(60) },
          ],
          byHand: [{ account: '300000000001', region: 'eu-west-1', status: 'CURRENT', at: at(5) }],
          rolloutRoles: [],
          grants: [{ account: '200000000001', region: 'eu-west-1', inForceAt: at(10) }],
        },
      };
      return { report, timeline: [], notes: [], run: {} };
    }\n`);
    const text = formatOrganization(await benchmarkSimulation(root, { months: 1 }));
    // The calls per promotion are Goldsmith's requests alone: 8 over 2 promotions.
    expect(text).toContain('API calls per promotion   4');
    expect(text).toContain(
      "member baseline           AWS's work on the members' behalf, not in the calls above: 2 stack instances (1 CURRENT) and 1 stacks deployed by hand; 1 grants created, 0 rollout roles; the last stack finished 60 min after the start, the last grant in force after 10 min",
    );
  });

  it('reports a failure without figures when simulate throws', async () => {
    writeSimulator(`export const simulate = async () => { throw new Error('dynalite did not start'); };\n`);
    const result = await benchmarkSimulation(root, { months: 1 });
    expect(result).toEqual({ available: false, failed: true, reason: 'simulate() threw: dynalite did not start' });
    expect(formatSimulation(result)).toMatch(/^simulation benchmark: failed, no figures/);
  });

  it('reports a failure without figures when simulate returns something that is not a report', async () => {
    writeSimulator('export function simulate() { return { ok: true }; }\n');
    const result = await benchmarkSimulation(root, { months: 1 });
    expect(result.available).toBe(false);
    expect(formatSimulation(result)).toContain('returned no report (report.builds:');
  });
});
