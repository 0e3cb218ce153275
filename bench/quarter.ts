import { median } from '../scripts/bundle/cold-load.js';
import { runGoldsmith } from './goldsmith-process.js';

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
    };

const round = (x: number) => Math.round(x * 10) / 10;

interface QuarterReport {
  report: { builds: unknown[]; promotions: unknown[]; consistency: { ok: boolean } };
  run: { wallMs: number; peakRssMb: number };
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
    try {
      last = JSON.parse(run.stdout) as QuarterReport;
    } catch {
      const why = run.stderr.trim().split('\n').pop() ?? `exit ${String(run.status)}`;
      return { available: false, reason: `goldsmith simulate --json printed no report: ${why}` };
    }
    simulated.push(last.run.wallMs / 1000);
  }
  if (!last) return { available: false, reason: 'no run' };
  return {
    available: true,
    runs,
    wallSeconds: round(median(walls)),
    simulatedSeconds: round(median(simulated)),
    peakRssMb: Math.round(last.run.peakRssMb),
    builds: last.report.builds.length,
    promotions: last.report.promotions.length,
    consistent: last.report.consistency.ok,
  };
}

/** The quarter's figures for people. */
export function formatQuarter(result: QuarterBenchmark): string {
  if (!result.available) return `default quarter: no figures (${result.reason})`;
  return [
    `default quarter (npm start: goldsmith simulate on the example catalog; median of ${result.runs} run(s), whole process)`,
    `  wall ${result.wallSeconds} s (of which the run ${result.simulatedSeconds} s), peak ${result.peakRssMb} MiB`,
    `  ${result.builds} builds, ${result.promotions} promotion attempts, consistency ${result.consistent ? 'ok' : 'FAILED'}`,
  ].join('\n');
}
