import type { SimulationJson } from '../local/simulator/report-schema.js';
import { median } from '../scripts/bundle/cold-load.js';
import { runGoldsmith } from './goldsmith-process.js';
import { floorSeconds, type RequestFloor } from './request-floor.js';

/** What `npm start` costs: the default quarter on the example catalog, as a person runs it. */
export type QuarterBenchmark =
  | { available: false; reason: string }
  | {
      available: true;
      runs: number;
      /** Median whole-process wall seconds (Node's start, the imports, the cloud's start, the run, the report). */
      wallSeconds: number;
      /** The run's own wall seconds as the report counts them (`run.wallMs`), median. */
      simulatedSeconds: number;
      /** Peak resident memory of the last run, MiB, as the report measures it. */
      peakRssMb: number;
      builds: number;
      promotions: number;
      consistent: boolean;
      /** The run's AWS requests: DynamoDB's by operation (`dynamodb:Query`), and every other service's together. */
      requests: { dynamoByOperation: Record<string, number>; other: number };
    };

const round = (x: number) => Math.round(x * 10) / 10;

/** The parts of `goldsmith simulate --json`'s document the benchmark reads. */
type QuarterReport = Pick<SimulationJson, 'builds' | 'promotions' | 'consistency' | 'apiCalls' | 'callPlan' | 'run'>;

/**
 * The figures of one run's printed report, or why there are none: `simulate --json` prints the report's fields at
 * the top level (cli/simulate.ts), the run's own time and memory under `run`.
 */
export function quarterRunOf(stdout: string): QuarterReport | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return { problem: 'printed no JSON' };
  }
  const report = parsed as Partial<QuarterReport> | null;
  const missing = (['builds', 'promotions', 'consistency', 'apiCalls', 'run'] as const).filter(
    (key) => typeof report !== 'object' || report === null || report[key] === undefined,
  );
  if (missing.length > 0) return { problem: `its report has no ${missing.join(', ')}` };
  const { builds, promotions, consistency, apiCalls, callPlan, run } = report as QuarterReport;
  return { builds, promotions, consistency, apiCalls, ...(callPlan ? { callPlan } : {}), run };
}

/**
 * Runs `goldsmith simulate --json` (what `npm start` runs, with the report as JSON) `runs` times, each a new process,
 * and takes the median wall time. A run that fails or prints no report makes the figure unavailable, with why.
 */
export function benchmarkQuarter(root: string, runs = 1): QuarterBenchmark {
  const walls: number[] = [];
  const simulated: number[] = [];
  let last: QuarterReport | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const run = runGoldsmith(root, ['simulate', '--json']);
    walls.push((performance.now() - started) / 1000);
    const parsed = quarterRunOf(run.stdout);
    if ('problem' in parsed) {
      const why = run.stderr.trim().split('\n').pop() || `exit ${String(run.status)}`;
      return { available: false, reason: `goldsmith simulate --json ${parsed.problem}: ${why}` };
    }
    last = parsed;
    simulated.push(last.run.wallMs / 1000);
  }
  if (!last) return { available: false, reason: 'no run' };
  return {
    available: true,
    runs,
    wallSeconds: round(median(walls)),
    simulatedSeconds: round(median(simulated)),
    peakRssMb: Math.round(last.run.peakRssMb),
    builds: last.builds.length,
    promotions: last.promotions.length,
    consistent: last.consistency.ok,
    requests: {
      dynamoByOperation: last.callPlan?.dynamo.byOperation ?? {},
      other: Object.values(last.apiCalls).reduce((n, c) => n + c, 0),
    },
  };
}

/** The quarter's figures for people; with the request floor measured, what the run's requests cost at it. */
export function formatQuarter(result: QuarterBenchmark, floor?: RequestFloor): string {
  if (!result.available) return `default quarter: no figures (${result.reason})`;
  const dynamo = Object.values(result.requests.dynamoByOperation).reduce((n, c) => n + c, 0);
  const n = (v: number) => v.toLocaleString('en-US');
  const atFloor = floor
    ? [
        `  ${n(result.requests.other)} + ${n(dynamo)} DynamoDB requests; at the request floor alone ${floorSeconds(floor, result.requests).toFixed(1)} s`,
      ]
    : [];
  return [
    `default quarter (npm start: goldsmith simulate on the example catalog; median of ${result.runs} run(s), whole process)`,
    `  wall ${result.wallSeconds} s (of which the run ${result.simulatedSeconds} s), peak ${result.peakRssMb} MiB`,
    `  ${result.builds} builds, ${result.promotions} promotion attempts, consistency ${result.consistent ? 'ok' : 'FAILED'}`,
    ...atFloor,
  ].join('\n');
}
