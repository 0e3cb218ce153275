import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmarkQuarter, formatQuarter, quarterRunOf } from '../../../bench/quarter.js';
import { floorSeconds, type RequestFloor } from '../../../bench/request-floor.js';
import type { SimulationJson } from '../../../local/simulator/report-schema.js';

const FIGURES = {
  available: true as const,
  runs: 3,
  wallSeconds: 12.3,
  simulatedSeconds: 9.8,
  peakRssMb: 412,
  builds: 27,
  promotions: 71,
  consistent: true,
  requests: { dynamoByOperation: { 'dynamodb:Query': 1000, 'dynamodb:GetItem': 500 }, other: 2000 },
  breakdown: null,
};

const FLOOR: RequestFloor = {
  requests: 100,
  getItem: 600,
  query: 1000,
  putItem: 400,
  other: 150,
  cpu: { getItem: 800, query: 1300, putItem: 500, other: 200 },
};

describe('the default quarter benchmark', () => {
  it('prints the wall time, the run, peak memory, builds, promotions and the audit', () => {
    const text = formatQuarter(FIGURES);
    expect(text).toContain('median of 3 run(s)');
    expect(text).toContain('wall 12.3 s (of which the run 9.8 s), peak 412 MiB');
    expect(text).toContain('27 builds, 71 promotion attempts, consistency ok');
    expect(text).not.toContain('request floor');
  });

  it("prices the run's requests at the request floor: DynamoDB's by operation, the other services' at one cost", () => {
    // 2,000 × 150 µs + 1,000 Queries × 1,000 µs + 500 GetItems × 600 µs = 0.3 + 1.0 + 0.3 s.
    expect(floorSeconds(FLOOR, FIGURES.requests)).toBeCloseTo(1.6, 6);
    // Writes and batch reads: a BatchGetItem at GetItem's cost, an UpdateItem at PutItem's.
    expect(
      floorSeconds(FLOOR, { dynamoByOperation: { 'dynamodb:BatchGetItem': 10, 'dynamodb:UpdateItem': 10 }, other: 0 }),
    ).toBeCloseTo(0.01, 6);
    // A Scan at a Query's cost, CreateTable at PutItem's.
    expect(
      floorSeconds(FLOOR, { dynamoByOperation: { 'dynamodb:Scan': 10, 'dynamodb:CreateTable': 10 }, other: 0 }),
    ).toBeCloseTo(0.014, 6);
    expect(formatQuarter(FIGURES, FLOOR)).toContain(
      '2,000 requests to other services + 1,500 to DynamoDB; at the request floor alone 1.6 s',
    );
  });

  it("sets the clock's run's CPU against the same requests at the floor's CPU costs", () => {
    // 2,000 × 200 µs + 1,000 Queries × 1,300 µs + 500 GetItems × 800 µs = 0.4 + 1.3 + 0.4 s.
    expect(floorSeconds(FLOOR, FIGURES.requests, 'cpu')).toBeCloseTo(2.1, 6);
    expect(formatQuarter({ ...FIGURES, runCpuSeconds: 6.3 }, FLOOR)).toContain(
      "CPU: the clock's run 6.3 s, its requests at the floor's CPU costs 2.1 s (3.0×)",
    );
    // A report without the run's phases prints no CPU line.
    expect(formatQuarter(FIGURES, FLOOR)).not.toContain('CPU:');
  });

  const printed: Pick<SimulationJson, 'builds' | 'promotions' | 'consistency' | 'apiCalls' | 'callPlan' | 'run'> = {
    builds: [],
    promotions: [],
    consistency: { ok: true, problems: [] },
    apiCalls: { 'ec2:DescribeImages': 3, 'ssm:GetParameters': 4 },
    callPlan: {
      promotions: 0,
      operations: [],
      made: 0,
      minimum: 0,
      ratio: null,
      dynamo: { requests: 5, byOperation: { 'dynamodb:Query': 5 } },
    },
    run: { wallMs: 1500, simulatedMonths: 1, monthsPerSecond: 0.7, steps: 10, peakRssMb: 300.4 },
  };
  const asPrinted = (report: object) => JSON.stringify({ scenario: {}, ...report, timeline: [] });

  it("reads its figures from the report as simulate --json prints it, the report's fields at the top", () => {
    expect(quarterRunOf(asPrinted(printed))).toEqual(printed);
    expect(quarterRunOf('Goldsmith simulation …')).toEqual({ problem: 'printed no JSON' });
  });

  it('refuses a report whose fields are missing or not of their schema, naming where, instead of a crash', () => {
    expect(quarterRunOf(JSON.stringify({ report: printed }))).toEqual({
      problem: 'printed a report that does not fit its schema at builds, promotions, consistency, apiCalls, run',
    });
    expect(quarterRunOf(asPrinted({ ...printed, run: null }))).toEqual({
      problem: 'printed a report that does not fit its schema at run',
    });
    expect(quarterRunOf(asPrinted({ ...printed, apiCalls: 'x', builds: null }))).toEqual({
      problem: 'printed a report that does not fit its schema at builds, apiCalls',
    });
    const { callPlan: _, ...withoutCallPlan } = printed;
    expect(quarterRunOf(asPrinted(withoutCallPlan))).toEqual({
      problem: 'printed a report without its DynamoDB requests (callPlan)',
    });
  });

  it("gives the median wall time, the run in seconds and its clock's CPU, and the requests of the last run", () => {
    let call = 0;
    const phases = (cpuMs: number) => [{ phase: 'run', wallMs: 900, cpuMs, startUs: 0, endUs: 900_000 }];
    const first = { ...printed, run: { ...printed.run, phases: phases(1000) } };
    const second = {
      ...printed,
      run: { ...printed.run, wallMs: 2500, phases: phases(3000) },
      apiCalls: { 'ec2:DescribeImages': 10 },
    };
    const result = benchmarkQuarter('/nowhere', 2, (_root, args) => {
      expect(args).toEqual(['simulate', '--json']);
      call += 1;
      return { stdout: asPrinted(call === 1 ? first : second), stderr: '', status: 0 };
    });
    expect(result).toMatchObject({
      available: true,
      runs: 2,
      simulatedSeconds: 2,
      runCpuSeconds: 2,
      peakRssMb: 300,
      builds: 0,
      promotions: 0,
      consistent: true,
      requests: { dynamoByOperation: { 'dynamodb:Query': 5 }, other: 10 },
    });
    expect(call).toBe(2);
  });

  it('says why when the run printed no report, instead of a figure', () => {
    const root = mkdtempSync(join(tmpdir(), 'goldsmith-bench-quarter-'));
    try {
      const result = benchmarkQuarter(root);
      expect(result.available).toBe(false);
      expect(formatQuarter(result)).toMatch(
        /^default quarter: no figures \(goldsmith simulate --json printed no JSON: .+\)$/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
