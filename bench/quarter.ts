import type { SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as z from 'zod';
import { apiCallTotals } from '../local/simulator/call-minimum.js';
import { reportSchema, type SimulationJson } from '../local/simulator/report-schema.js';
import { median } from '../scripts/bundle/cold-load.js';
import { type Breakdown, breakdownOf, type CpuProfile, formatBreakdown } from './breakdown.js';
import { runGoldsmith } from './goldsmith-process.js';
import { withOriginalSources } from './profile.js';
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
      /** The CPU seconds of the clock's run (the phase `run` of `run.phases`), median; absent when not reported. */
      runCpuSeconds?: number;
      /** Peak resident memory of the last run, MiB, as the report measures it. */
      peakRssMb: number;
      builds: number;
      promotions: number;
      consistent: boolean;
      /** The run's AWS requests: DynamoDB's by operation (`dynamodb:Query`), and every other service's together. */
      requests: { dynamoByOperation: Record<string, number>; other: number };
      /** Where the last run's time went (it runs under V8's profiler); null when it wrote no profile. */
      breakdown: Breakdown | null;
    };

const round = (x: number) => Math.round(x * 10) / 10;

/** The parts of `goldsmith simulate --json`'s document the benchmark reads, checked as the report's schema says. */
const QUARTER_REPORT = reportSchema
  .pick({ builds: true, promotions: true, consistency: true, apiCalls: true, callPlan: true, run: true })
  .strip();
type QuarterReport = z.output<typeof QUARTER_REPORT> & { callPlan: NonNullable<SimulationJson['callPlan']> };

/**
 * The figures of one run's printed report, or why there are none: `simulate --json` prints the report's fields at
 * the top level (cli/simulate.ts), the run's own time and memory under `run`; each must have the report schema's
 * shape, and the DynamoDB requests (`callPlan`) must be there, since the floor prices them.
 */
export function quarterRunOf(stdout: string): QuarterReport | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return { problem: 'printed no JSON' };
  }
  const checked = QUARTER_REPORT.safeParse(parsed);
  if (!checked.success) {
    const where = [...new Set(checked.error.issues.map((i) => i.path.join('.') || '(the document)'))];
    return { problem: `printed a report that does not fit its schema at ${where.slice(0, 5).join(', ')}` };
  }
  const { callPlan } = checked.data;
  if (!callPlan) return { problem: 'printed a report without its DynamoDB requests (callPlan)' };
  return { ...checked.data, callPlan };
}

/**
 * Runs `goldsmith simulate --json` (what `npm start` runs, with the report as JSON) `runs` times, each a new process,
 * and takes the median wall time (`run`: how it is run, a process of its own unless a test says otherwise). A run
 * that fails or prints no report, or one that does not fit the report's schema, makes the figure unavailable, with why.
 */
export function benchmarkQuarter(
  root: string,
  runs = 1,
  run: (
    root: string,
    args: readonly string[],
    nodeArgs: readonly string[],
  ) => Pick<SpawnSyncReturns<string>, 'stdout' | 'stderr' | 'status'> = runGoldsmith,
): QuarterBenchmark {
  const walls: number[] = [];
  const simulated: number[] = [];
  const runCpu: number[] = [];
  let last: QuarterReport | undefined;
  // The last run writes its main thread's profile here (Node's --cpu-prof: https://nodejs.org/api/cli.html#--cpu-prof).
  const profiles = mkdtempSync(join(tmpdir(), 'goldsmith-bench-quarter-profile-'));
  let profile: CpuProfile | undefined;
  try {
    for (let i = 0; i < runs; i++) {
      const profiling = i === runs - 1 ? ['--cpu-prof', `--cpu-prof-dir=${profiles}`, '--cpu-prof-interval=1000'] : [];
      const started = performance.now();
      const ran = run(root, ['simulate', '--json'], profiling);
      walls.push((performance.now() - started) / 1000);
      const parsed = quarterRunOf(ran.stdout);
      if ('problem' in parsed) {
        const why = ran.stderr.trim().split('\n').pop() || `exit ${String(ran.status)}`;
        return { available: false, reason: `goldsmith simulate --json ${parsed.problem}: ${why}` };
      }
      last = parsed;
      simulated.push(last.run.wallMs / 1000);
      const runPhase = last.run.phases?.find((p) => p.phase === 'run');
      if (runPhase) runCpu.push(runPhase.cpuMs / 1000);
    }
    profile = mainThreadProfile(profiles);
  } finally {
    rmSync(profiles, { recursive: true, force: true });
  }
  if (!last) return { available: false, reason: 'no run' };
  return {
    available: true,
    runs,
    wallSeconds: round(median(walls)),
    simulatedSeconds: round(median(simulated)),
    ...(runCpu.length > 0 ? { runCpuSeconds: round(median(runCpu)) } : {}),
    peakRssMb: Math.round(last.run.peakRssMb),
    builds: last.builds.length,
    promotions: last.promotions.length,
    consistent: last.consistency.ok,
    requests: {
      dynamoByOperation: last.callPlan.dynamo.byOperation,
      // The totals every rendering of a run prints (simulate's totals, the HTML).
      other: apiCallTotals(last.apiCalls, last.callPlan).other,
    },
    breakdown: profile && last.run.phases ? breakdownOf(profile, last.run.phases, root) : null,
  };
}

/** The main thread's profile in `dir` (Node names it CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile, thread 0). */
function mainThreadProfile(dir: string): CpuProfile | undefined {
  const file = readdirSync(dir).find((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  return file === undefined
    ? undefined
    : withOriginalSources(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
}

/**
 * The clock's run's CPU against its requests' at the floor's CPU costs: the ratio a loaded machine disturbs least
 * (both are CPU of one process, V8's collector threads included; wall times grow several-fold with the load).
 */
function cpuAgainstFloor(result: Extract<QuarterBenchmark, { available: true }>, floor: RequestFloor): string[] {
  if (result.runCpuSeconds === undefined) return [];
  const atFloor = floorSeconds(floor, result.requests, 'cpu');
  const times = atFloor > 0 ? ` (${(result.runCpuSeconds / atFloor).toFixed(1)}×)` : '';
  return [
    `  CPU: the clock's run ${result.runCpuSeconds.toFixed(1)} s, its requests at the floor's CPU costs ${atFloor.toFixed(1)} s${times}`,
  ];
}

/** The quarter's figures for people; with the request floor measured, what the run's requests cost at it. */
export function formatQuarter(result: QuarterBenchmark, floor?: RequestFloor): string {
  if (!result.available) return `default quarter: no figures (${result.reason})`;
  const dynamo = Object.values(result.requests.dynamoByOperation).reduce((n, c) => n + c, 0);
  const n = (v: number) => v.toLocaleString('en-US');
  const atFloor = floor
    ? [
        `  ${n(result.requests.other)} requests to other services + ${n(dynamo)} to DynamoDB; at the request floor alone ${floorSeconds(floor, result.requests).toFixed(1)} s`,
        ...cpuAgainstFloor(result, floor),
      ]
    : [];
  return [
    `default quarter (npm start: goldsmith simulate on the example catalog; median of ${result.runs} run(s), whole process)`,
    `  wall ${result.wallSeconds} s (of which the run ${result.simulatedSeconds} s), peak ${result.peakRssMb} MiB`,
    `  ${result.builds} builds, ${result.promotions} promotion attempts, consistency ${result.consistent ? 'ok' : 'FAILED'}`,
    ...atFloor,
    ...formatBreakdown(result.breakdown),
  ].join('\n');
}
