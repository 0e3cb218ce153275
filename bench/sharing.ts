import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SharingFigures } from '../local/simulator/sharing-figures.js';

/** The fleet-scale sharing run's figures (issue 8): the example catalog over a large organization, throttled. */
export type SharingBenchmark =
  | { available: false; failed: true; reason: string }
  | {
      available: true;
      accountsPerOu: number;
      accounts: number;
      throttleRate: number;
      wallSeconds: number;
      sharing: SharingFigures;
      faults: { injected: number; retried: number; failedCalls: number };
      consistent: boolean;
      problems: string[];
      checks: Record<string, number>;
    };

/** The fleet-scale scenario (local/simulator/fleet-scenario.json), with its organization size overridden. */
export async function fleetScenario(root: string, accountsPerOu?: number) {
  const { scenarioSchema } = await import('../local/simulator/scenario.js');
  const raw = JSON.parse(readFileSync(join(root, 'local/simulator/fleet-scenario.json'), 'utf8')) as {
    organization: { accountsPerOu: number };
  };
  return scenarioSchema.parse(
    accountsPerOu === undefined ? raw : { ...raw, organization: { ...raw.organization, accountsPerOu } },
  );
}

/**
 * Runs the fleet-scale scenario — the example catalog, 1000 accounts per OU, 10% of calls throttled, one patch
 * build of the base image promoted to dev — and reads the report's sharing figures, faults and audit.
 */
export async function benchmarkSharing(
  root: string,
  options: { accountsPerOu?: number } = {},
): Promise<SharingBenchmark> {
  const [{ loadCatalogFile }, { simulate }] = await Promise.all([
    import('../cli/load-catalog.js'),
    import('../local/simulator/index.js'),
  ]);
  const catalog = await loadCatalogFile(join(root, 'goldsmith.config.ts'));
  const scenario = await fleetScenario(root, options.accountsPerOu);
  const started = performance.now();
  try {
    const { report } = await simulate(catalog, scenario, root);
    if (!report.sharing) return { available: false, failed: true, reason: 'the report has no sharing figures' };
    const ous = new Set(catalog.channels.flatMap((c) => [...c.targets.ous, ...c.targets.exclude.ous])).size;
    return {
      available: true,
      accountsPerOu: scenario.organization.accountsPerOu,
      accounts: ous * scenario.organization.accountsPerOu,
      throttleRate: scenario.faults.throttleRate,
      wallSeconds: Math.round((performance.now() - started) / 10) / 100,
      sharing: report.sharing,
      faults: {
        injected: report.faults.injected,
        retried: report.faults.retried,
        failedCalls: report.faults.failedCalls,
      },
      consistent: report.consistency.ok,
      problems: report.consistency.problems,
      checks: report.consistency.checks ?? {},
    };
  } catch (error) {
    return { available: false, failed: true, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** The sharing benchmark for people. */
export function formatSharing(result: SharingBenchmark): string {
  if (!result.available) return `sharing benchmark: failed, no figures (${result.reason})`;
  const s = result.sharing;
  const wave = s.waves.largest;
  const perPromotion = s.promotions === 0 ? 'n/a' : (s.modifyImageAttribute / s.promotions).toFixed(1);
  const checks = Object.entries(result.checks)
    .filter(([name]) => /launch|key|pointer/.test(name))
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  return [
    `sharing benchmark (example catalog, ${result.accountsPerOu} accounts per OU = ${result.accounts} accounts, ${Math.round(result.throttleRate * 100)}% of calls throttled)`,
    `  wall time                 ${result.wallSeconds} s`,
    `  AMI channel promotions    ${s.promotions}`,
    `  ModifyImageAttribute      ${s.modifyImageAttribute} (planner's minimum ${s.minimumModifyImageAttribute}; ${perPromotion} per promotion); ModifySnapshotAttribute ${s.modifySnapshotAttribute}`,
    wave
      ? `  largest sharing wave      ${wave.calls} calls in ${wave.regions} regions: ${wave.virtualSeconds} s virtual, longest call ${wave.longestCallSeconds} s (token buckets' lower bound ${wave.lowerBoundSeconds} s); ${s.waves.count} waves`
      : '  largest sharing wave      none',
    `  faults                    ${result.faults.injected} injected, ${result.faults.retried} retried, ${result.faults.failedCalls} calls failed`,
    `  consistency audit         ${result.consistent ? 'ok' : `PROBLEMS: ${result.problems.slice(0, 3).join('; ')}`}`,
    `  checks                    ${checks}`,
  ].join('\n');
}
