import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import { formatMib, peakMemory } from '../local/simulator/peak-memory.js';
import { channelPromotions } from '../local/simulator/totals.js';
import { type Breakdown, breakdownOf, type CpuProfile, formatBreakdown } from './breakdown.js';
import { type BenchmarkShape, benchmarkCatalog, DEFAULT_SHAPE, totalAccounts } from './catalog.js';
import { type MemberBaselineWork, memberBaselineWork } from './member-baseline.js';
import { profiled } from './profile.js';

/** The figures the simulation benchmark prints. */
export type SimulationBenchmark =
  | { available: false; reason: string; failed?: true }
  | {
      available: true;
      module: string;
      shape: BenchmarkShape & { accounts: number; months: number };
      wallSeconds: number;
      simulatedMonthsPerSecond: number;
      /** Peak memory in MiB, as the run reports it (`run.peakRssMb`, local/simulator/peak-memory.ts). */
      peakRssMb: number;
      builds: number;
      promotions: number;
      promoted: number;
      apiCalls: number;
      apiCallsPerPromotion: number | null;
      consistent: boolean | null;
      /** Clock steps the simulator reported, if it did. */
      steps: number | null;
      /** The functions' invocations and wall milliseconds (`run.functions`), longest first; empty if not reported. */
      functions: FunctionTime[];
      /** The report's sharing figures (mutating EC2 calls, waves), if it has them. */
      sharing: SimulationSharing | null;
      /** Calls made against the plan's minimum, per operation, and DynamoDB requests, if the report has them. */
      callPlan: CallPlan | null;
      /** Organizations calls, per operation. */
      organizationsCalls: Record<string, number>;
      /** The audit's checks and what each counted. */
      checks: Record<string, number>;
      /** What StackSets did in the member accounts (AWS's work, not in `apiCalls`); null without a baseline. */
      memberBaseline: MemberBaselineWork | null;
      /** Where the time went: the run's phases and, in each, the profile's samples by cause; null unprofiled. */
      breakdown: Breakdown | null;
    };

/** One function's share of the run (`run.functions`): invocations and wall milliseconds. */
export interface FunctionTime {
  name: string;
  invocations: number;
  ms: number;
}

/** Calls made against the calls the plan needs (the report's `callPlan`). */
export type CallPlan = z.infer<typeof callPlanSchema>;

/** What the simulation benchmark prints of the report's sharing figures. */
export interface SimulationSharing {
  promotions: number;
  modifyImageAttribute: number;
  minimumModifyImageAttribute: number;
  waves: number;
  largestWave: {
    calls: number;
    regions: number;
    virtualSeconds: number;
    longestCallSeconds: number | null;
    lowerBoundSeconds: number;
  } | null;
}

const DECLARES_SIMULATE = /export\s+(?:async\s+)?function\s+simulate\b|export\s+const\s+simulate\b/;

/** The local/simulator module that exports `simulate`, found by reading the sources (nothing is imported). */
export function findSimulateModule(root: string): string | undefined {
  const dir = join(root, 'local', 'simulator');
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort((a, b) => Number(b === 'index.ts') - Number(a === 'index.ts') || a.localeCompare(b));
  const found = files.find((f) => DECLARES_SIMULATE.test(readFileSync(join(dir, f), 'utf8')));
  return found === undefined ? undefined : join(dir, found);
}

const callPlanSchema = z.object({
  promotions: z.number(),
  operations: z.array(z.object({ operation: z.string(), made: z.number(), minimum: z.number(), basis: z.string() })),
  made: z.number(),
  minimum: z.number(),
  ratio: z.number().nullable(),
  dynamo: z.object({ requests: z.number(), byOperation: z.record(z.string(), z.number()) }),
  audit: z.object({ calls: z.number(), byOperation: z.record(z.string(), z.number()) }).optional(),
  dynamoByFunction: z.record(z.string(), z.record(z.string(), z.number())).optional(),
});

// The part of the report (docs/simulation.md, `simulate --json`) the benchmark reads; anything else → no numbers.
const reportSchema = z.object({
  builds: z.array(z.unknown()),
  promotions: z.array(z.object({ outcome: z.string() })),
  apiCalls: z.record(z.string(), z.number()),
  consistency: z.object({ ok: z.boolean(), checks: z.record(z.string(), z.number()).optional() }).optional(),
  sharing: z
    .object({
      promotions: z.number(),
      modifyImageAttribute: z.number(),
      minimumModifyImageAttribute: z.number(),
      waves: z.object({
        count: z.number(),
        largest: z
          .object({
            calls: z.number(),
            regions: z.number(),
            virtualSeconds: z.number(),
            longestCallSeconds: z.number().optional(),
            lowerBoundSeconds: z.number(),
          })
          .nullable(),
      }),
    })
    .optional(),
  callPlan: callPlanSchema.optional(),
});

// simulate() returns `{ report, timeline, notes, run }`; a bare report is accepted too.
const resultSchema = z.object({
  report: reportSchema,
  run: z
    .object({
      steps: z.number(),
      peakRssMb: z.number(),
      functions: z.record(z.string(), z.object({ invocations: z.number(), ms: z.number() })),
      phases: z.array(
        z.object({
          phase: z.string(),
          wallMs: z.number(),
          cpuMs: z.number(),
          startUs: z.number(),
          endUs: z.number(),
        }),
      ),
    })
    .partial()
    .optional(),
});

function asResult(value: unknown): unknown {
  return typeof value === 'object' && value !== null && 'report' in value ? value : { report: value };
}

type Simulate = (...args: unknown[]) => unknown;

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Runs the simulator (if `local/simulator` exports `simulate` yet) over `months` of virtual time with the
 * generated catalog, and measures it: `simulate(catalog, scenario, root)` as local/simulator/index.ts declares it
 * (found by reading the sources, so the bench runs before the simulator exists). A missing function, a throw or a
 * result without a report gives `available: false` with the reason — never a number that was not measured.
 */
export async function benchmarkSimulation(
  root: string,
  options: { shape?: BenchmarkShape; months?: number; seed?: number; profileIntervalUs?: number } = {},
): Promise<SimulationBenchmark> {
  const file = findSimulateModule(root);
  if (!file) return { available: false, reason: 'local/simulator has no simulate()' };
  const shape = options.shape ?? DEFAULT_SHAPE;
  const months = options.months ?? 12;
  const start = new Date(Date.UTC(2027, 0, 1));
  const until = new Date(Date.UTC(2027, months, 1));
  const { scenarioSchema } = await import('../local/simulator/scenario.js');
  const scenario = scenarioSchema.parse({
    start: start.toISOString(),
    until: until.toISOString(),
    organization: { accountsPerOu: shape.accountsPerOu, levels: shape.levels ?? 1, fanOut: shape.fanOut ?? 2 },
    approvals: 'auto',
    seed: options.seed ?? 1,
  });
  const catalog = benchmarkCatalog(shape);
  const mod = (await import(pathToFileURL(file).href)) as { simulate?: unknown };
  if (typeof mod.simulate !== 'function') return { available: false, reason: `${file}: simulate is not a function` };
  const simulate = mod.simulate as Simulate;

  const memory = peakMemory(100);
  const started = performance.now();
  let result: unknown;
  let profile: CpuProfile | undefined;
  try {
    const { progressLine } = await import('../local/simulator/progress.js');
    // Progress on a terminal only: quiet in CI and when stderr is piped.
    const progress = process.stderr.isTTY && !process.env.CI ? progressLine((t) => process.stderr.write(t)) : undefined;
    const run = () => Promise.resolve(simulate(catalog, scenario, root, { onProgress: progress?.tick }));
    if (options.profileIntervalUs === undefined) result = await run();
    else ({ result, profile } = await profiled(run, options.profileIntervalUs));
    progress?.done();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { available: false, failed: true, reason: `simulate() threw: ${message}` };
  } finally {
    memory.stop();
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const raw = asResult(result);
  const parsed = resultSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      available: false,
      failed: true,
      reason: `simulate() returned no report (${issue?.path.join('.')}: ${issue?.message})`,
    };
  }
  const { builds, promotions, apiCalls, consistency, sharing, callPlan } = parsed.data.report;
  const calls = Object.values(apiCalls).reduce((a, b) => a + b, 0);
  return {
    available: true,
    module: file.slice(root.length + 1),
    shape: { ...shape, accounts: totalAccounts(shape), months },
    wallSeconds: round(wallSeconds),
    simulatedMonthsPerSecond: round(months / wallSeconds, 3),
    // The run's own figure when the simulator reports it, else the same definition read now.
    peakRssMb: round(parsed.data.run?.peakRssMb ?? memory.mib(), 1),
    builds: builds.length,
    promotions: promotions.length,
    promoted: channelPromotions(promotions),
    apiCalls: calls,
    apiCallsPerPromotion: channelPromotions(promotions) === 0 ? null : round(calls / channelPromotions(promotions), 1),
    consistent: consistency?.ok ?? null,
    steps: parsed.data.run?.steps ?? null,
    functions: Object.entries(parsed.data.run?.functions ?? {})
      .map(([name, f]) => ({ name, ...f }))
      .sort((a, b) => b.ms - a.ms),
    sharing: sharing
      ? {
          promotions: sharing.promotions,
          modifyImageAttribute: sharing.modifyImageAttribute,
          minimumModifyImageAttribute: sharing.minimumModifyImageAttribute,
          waves: sharing.waves.count,
          largestWave: sharing.waves.largest
            ? {
                calls: sharing.waves.largest.calls,
                regions: sharing.waves.largest.regions,
                virtualSeconds: sharing.waves.largest.virtualSeconds,
                longestCallSeconds: sharing.waves.largest.longestCallSeconds ?? null,
                lowerBoundSeconds: sharing.waves.largest.lowerBoundSeconds,
              }
            : null,
        }
      : null,
    callPlan: callPlan ?? null,
    organizationsCalls: Object.fromEntries(Object.entries(apiCalls).filter(([op]) => op.startsWith('organizations:'))),
    checks: consistency?.checks ?? {},
    memberBaseline: memberBaselineWork((raw as { report: unknown }).report),
    breakdown: profile && parsed.data.run?.phases ? breakdownOf(profile, parsed.data.run.phases, root) : null,
  };
}

const perPromotion = (n: number, promotions: number) => (promotions === 0 ? 'n/a' : (n / promotions).toFixed(1));

/**
 * Per channel promotion: each operation's calls made beside the plan's minimum (the mutating calls the changes
 * required and the reads that decided them), the ratio, and DynamoDB requests.
 */
export function callPlanLines(plan: CallPlan | null): string[] {
  if (!plan) return ['  calls against the plan     not reported'];
  const n = plan.promotions;
  const ratio = (made: number, minimum: number) =>
    minimum === 0 ? (made === 0 ? '' : '(none needed)') : `×${(made / minimum).toFixed(2)}`;
  const rows = [...plan.operations]
    .sort((a, b) => b.made - a.made || a.operation.localeCompare(b.operation))
    .map(
      (o) =>
        `    ${o.operation.padEnd(46)} ${perPromotion(o.made, n).padStart(7)} ${perPromotion(o.minimum, n).padStart(7)}  ${ratio(o.made, o.minimum).padEnd(14)} ${o.basis}`,
    );
  const dynamo = Object.entries(plan.dynamo.byOperation)
    .sort(([, a], [, b]) => b - a)
    .map(([op, c]) => `${op.replace(/^dynamodb:/, '')} ${perPromotion(c, n)}`)
    .join(', ');
  return [
    `  API calls per promotion   ${perPromotion(plan.made, n)} made, ${perPromotion(plan.minimum, n)} needed: ratio ${plan.ratio ?? 'n/a'} (${n} channel promotions)`,
    `    ${'operation'.padEnd(46)} ${'made'.padStart(7)} ${'needed'.padStart(7)}  ratio`,
    ...rows,
    `  DynamoDB per promotion    ${perPromotion(plan.dynamo.requests, n)} requests (${dynamo})`,
    ...dynamoByFunctionLine(plan),
    ...auditLine(plan),
  ];
}

/** How many functions the DynamoDB line names, the most requests first (the rest are summed). */
const DYNAMO_FUNCTIONS_NAMED = 6;

/**
 * Who sends the DynamoDB requests, per promotion: each function's requests and its two largest operations, the
 * functions with the most first.
 */
export function dynamoByFunctionLine(plan: CallPlan): string[] {
  if (!plan.dynamoByFunction) return [];
  const n = plan.promotions;
  const total = (ops: Record<string, number>) => Object.values(ops).reduce((s, c) => s + c, 0);
  const ranked = Object.entries(plan.dynamoByFunction).sort(
    ([a, x], [b, y]) => total(y) - total(x) || a.localeCompare(b),
  );
  const named = ranked.slice(0, DYNAMO_FUNCTIONS_NAMED).map(([name, ops]) => {
    const largest = Object.entries(ops)
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .slice(0, 2)
      .map(([op, c]) => `${op.replace(/^dynamodb:/, '')} ${perPromotion(c, n)}`);
    return `${name.split('-').pop()} ${perPromotion(total(ops), n)} (${largest.join(', ')})`;
  });
  const rest = ranked.slice(DYNAMO_FUNCTIONS_NAMED).reduce((s, [, ops]) => s + total(ops), 0);
  const others = rest > 0 ? [`${ranked.length - DYNAMO_FUNCTIONS_NAMED} others ${perPromotion(rest, n)}`] : [];
  return [`    by function             ${[...named, ...others].join('; ')}`];
}

/**
 * What the audit of outside changes costs per promotion (docs/performance.md): the reconciler's read-backs of what AWS
 * holds and the doors' auditor, per operation, largest first.
 */
export function auditLine(plan: CallPlan): string[] {
  if (!plan.audit) return ['  audit per promotion       not reported'];
  const n = plan.promotions;
  const ops = Object.entries(plan.audit.byOperation)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([op, c]) => `${op} ${perPromotion(c, n)}`)
    .join(', ');
  return [`  audit per promotion       ${perPromotion(plan.audit.calls, n)} calls (${ops || 'none'})`];
}

/** The sharing lines of the simulation benchmark: calls against the planner's minimum, the largest wave. */
function sharingLines(sharing: SimulationSharing | null): string[] {
  if (!sharing) return ['  sharing                   not reported'];
  const per = sharing.promotions === 0 ? 'n/a' : (sharing.modifyImageAttribute / sharing.promotions).toFixed(2);
  const wave = sharing.largestWave;
  return [
    `  ModifyImageAttribute      ${sharing.modifyImageAttribute} for ${sharing.promotions} AMI channel promotions (${per} each; planner's minimum ${sharing.minimumModifyImageAttribute})`,
    wave
      ? `  largest sharing wave      ${wave.calls} calls in ${wave.regions} regions: ${wave.virtualSeconds} s virtual (longest call ${wave.longestCallSeconds ?? 'n/a'} s), token buckets' lower bound ${wave.lowerBoundSeconds} s (${sharing.waves} waves)`
      : '  largest sharing wave      none',
  ];
}

/** How many of the longest-running functions the benchmark prints. */
const FUNCTIONS_PRINTED = 8;

/** The functions that took the run's time: wall seconds and invocations, longest first (a time, not a figure to compare). */
function functionLines(functions: readonly FunctionTime[]): string[] {
  if (functions.length === 0) return ['  time by function          not reported'];
  const total = functions.reduce((a, f) => a + f.ms, 0);
  return [
    `  time by function          ${(total / 1000).toFixed(1)} s in ${functions.length} functions, the longest:`,
    ...functions
      .slice(0, FUNCTIONS_PRINTED)
      .map(
        (f) =>
          `    ${f.name.padEnd(46)} ${(f.ms / 1000).toFixed(1).padStart(7)} s ${String(f.invocations).padStart(7)} runs`,
      ),
  ];
}

/** The simulation benchmark for people. */
export function formatSimulation(result: SimulationBenchmark): string {
  if (!result.available) {
    return result.failed
      ? `simulation benchmark: failed, no figures (${result.reason})`
      : `simulation benchmark: not available yet (${result.reason})`;
  }
  const s = result.shape;
  return [
    `simulation benchmark (${result.module}): ${s.months} months × ${s.images} images × ${s.accounts} accounts × ${s.regions} regions`,
    `  wall time                 ${result.wallSeconds} s`,
    `  simulated months/second   ${result.simulatedMonthsPerSecond}`,
    `  peak memory               ${formatMib(result.peakRssMb)}`,
    `  builds / promotions       ${result.builds} / ${result.promoted} promoted (${result.promotions} attempted: rejected, expired and aborted too)`,
    `  API calls                 ${result.apiCalls} (${result.apiCallsPerPromotion ?? 'n/a'} per channel promotion)`,
    `  virtual-clock steps       ${result.steps ?? 'not reported'}`,
    `  consistency audit         ${result.consistent === null ? 'not reported' : result.consistent ? 'ok' : 'PROBLEMS'}`,
    ...functionLines(result.functions),
    ...formatBreakdown(result.breakdown),
    ...sharingLines(result.sharing),
    ...callPlanLines(result.callPlan),
  ].join('\n');
}
