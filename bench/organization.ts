import { formatMib } from '../local/simulator/peak-memory.js';
import { formatBreakdown } from './breakdown.js';
import { ORGANIZATION_SHAPE, totalOus } from './catalog.js';
import { memberBaselineLine } from './member-baseline.js';
import { benchmarkSimulation, callPlanLines, type SimulationBenchmark } from './simulation.js';

const n = (v: number) => v.toLocaleString('en-US');

/** The profiler's sampling interval in the benchmarks that run in this process (a sample every 2 ms). */
export const PROFILE_INTERVAL_US = 2000;

/**
 * The organization at fleet scale over one monthly cycle: ORGANIZATION_SHAPE (100 images, 16 Regions, 4,960 accounts
 * in 210 OUs three levels deep), every image built on its patch day and promoted through dev, staging and prod;
 * `accountsPerOu` (`--accounts-per-ou`) makes the organization smaller or larger while the rest stays.
 */
export function benchmarkOrganization(root: string, accountsPerOu?: number): Promise<SimulationBenchmark> {
  const shape = accountsPerOu === undefined ? ORGANIZATION_SHAPE : { ...ORGANIZATION_SHAPE, accountsPerOu };
  return benchmarkSimulation(root, { shape, months: 1, profileIntervalUs: PROFILE_INTERVAL_US });
}

/** The organization-scale figures for people. */
export function formatOrganization(result: SimulationBenchmark): string {
  if (!result.available) return `organization benchmark: failed, no figures (${result.reason})`;
  const s = result.shape;
  const org = Object.entries(result.organizationsCalls).sort(([a], [b]) => a.localeCompare(b));
  const orgTotal = org.reduce((n, [, c]) => n + c, 0);
  const wave = result.sharing?.largestWave;
  const checks = Object.entries(result.checks)
    .filter(([name]) => /launch|pointer-readable|key-usable/.test(name))
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  // The launch and key questions, answered once per class of accounts that answer alike (audit-classes.ts).
  const asked = result.checks['questions-by-class'];
  const byClass =
    asked === undefined
      ? ''
      : `; ${n(result.checks['answers-worked-out'] ?? 0)} checks covering ${n(asked)} account×image×Region`;
  return [
    `organization benchmark: ${s.images} images × ${s.regions} Regions, ${s.accounts} accounts in ${totalOus(s)} OUs ${s.levels ?? 1} levels deep, one monthly cycle`,
    `  wall time                 ${result.wallSeconds} s; peak memory ${formatMib(result.peakRssMb)}`,
    `  promotions                ${result.promoted} promoted of ${result.promotions}; consistency ${result.consistent ? 'ok' : 'PROBLEMS'}`,
    `  ModifyImageAttribute      ${result.sharing ? `${result.sharing.modifyImageAttribute} (planner's minimum ${result.sharing.minimumModifyImageAttribute})` : 'not reported'}`,
    wave
      ? `  largest sharing wave      ${wave.virtualSeconds} s virtual against the token buckets' lower bound ${wave.lowerBoundSeconds} s (×${wave.lowerBoundSeconds > 0 ? (wave.virtualSeconds / wave.lowerBoundSeconds).toFixed(2) : 'n/a'})`
      : '  largest sharing wave      none',
    `  Organizations calls       ${orgTotal} (${org.map(([op, c]) => `${op.replace('organizations:', '')} ${c}`).join(', ')})`,
    // Goldsmith's calls: the requests its functions send (DynamoDB apart); StackSets' work is the baseline line's.
    ...(result.callPlan
      ? callPlanLines(result.callPlan)
      : [`  API calls per promotion   ${result.apiCallsPerPromotion ?? 'n/a'}`]),
    memberBaselineLine(result.memberBaseline),
    `  audit                     ${checks}${byClass}`,
    ...formatBreakdown(result.breakdown),
  ].join('\n');
}
