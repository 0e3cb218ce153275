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
    expect(formatQuarter(FIGURES, FLOOR)).toContain(
      '2,000 + 1,500 DynamoDB requests; at the request floor alone 1.6 s',
    );
  });

  it("reads its figures from the report as simulate --json prints it, the report's fields at the top", () => {
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
      run: { wallMs: 1500, simulatedMonths: 1, monthsPerSecond: 0.7, steps: 10, peakRssMb: 300 },
    };
    const run = quarterRunOf(JSON.stringify({ scenario: {}, ...printed, timeline: [] }));
    expect(run).toEqual(printed);
    expect(quarterRunOf(JSON.stringify({ report: printed }))).toEqual({
      problem: 'its report has no builds, promotions, consistency, apiCalls, run',
    });
    expect(quarterRunOf('Goldsmith simulation …')).toEqual({ problem: 'printed no JSON' });
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
