import type { BundledFunction } from './build.js';
import type { ColdLoad } from './cold-load.js';

/** Fresh processes per bundle and cold-load measurement: five, because one disturbed run must not move the median. */
export const DEFAULT_RUNS = 5;

/** Lambda's 1 MB line we call out: bigger bundles cost cold-start time and deserve a reason. */
export const LARGE_BUNDLE_BYTES = 1024 * 1024;

/** One row of the bundle report. */
export interface BundleRow {
  function: string;
  handler: string;
  logicalId?: string;
  kb: number;
  gzipKb: number;
  coldLoadMs: number;
  coldLoadRuns: number[];
  /** Median CPU time of the import (steadier than the wall clock on a shared machine). */
  coldLoadCpuMs: number;
  handlerIsFunction: boolean;
  clients: string[];
  /** SDK packages bundled from `dist-cjs`; non-empty means tree-shaking failed for them. */
  cjsSdkPackages: string[];
  /** The biggest contributors, largest first. */
  topPackages: { name: string; kb: number }[];
  /** The same handler bundled with esbuild's defaults, measured in turn with ours (when measured). */
  naive?: { kb: number; coldLoadMs: number; coldLoadRuns: number[]; coldLoadCpuMs: number };
  /** Our cold load divided by the naive bundle's, medians of the wall clock (the target is ≤ 0.45). */
  loadRatio?: number;
  /** The same ratio of the CPU times. */
  cpuRatio?: number;
}

/** The whole report, as `--json` prints it. */
export interface BundleReport {
  node: string;
  source: 'synth' | 'glob';
  fallbackReason?: string;
  outdir: string;
  functions: BundleRow[];
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

/** A report row from a bundle and its measured cold load. */
export function rowOf(
  bundle: BundledFunction,
  load: ColdLoad,
  naive?: { bundle: BundledFunction; load: ColdLoad },
): BundleRow {
  return {
    ...(naive
      ? {
          naive: {
            kb: kb(naive.bundle.bytes),
            coldLoadMs: Math.round(naive.load.ms),
            coldLoadRuns: naive.load.runs.map((ms) => Math.round(ms)),
            coldLoadCpuMs: Math.round(naive.load.cpuMs),
          },
          loadRatio: Math.round((load.ms / naive.load.ms) * 100) / 100,
          cpuRatio: Math.round((load.cpuMs / naive.load.cpuMs) * 100) / 100,
        }
      : {}),
    function: bundle.fn.name,
    handler: bundle.fn.handler,
    ...(bundle.fn.logicalId === undefined ? {} : { logicalId: bundle.fn.logicalId }),
    kb: kb(bundle.bytes),
    gzipKb: kb(bundle.gzipBytes),
    coldLoadMs: Math.round(load.ms),
    coldLoadRuns: load.runs.map((ms) => Math.round(ms)),
    coldLoadCpuMs: Math.round(load.cpuMs),
    handlerIsFunction: load.handlerIsFunction,
    clients: bundle.clients,
    cjsSdkPackages: bundle.cjsSdkPackages,
    topPackages: bundle.packages.slice(0, 8).map((p) => ({ name: p.name, kb: kb(p.bytes) })),
  };
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

/** The human report: the table, then a line per problem (CJS leaks, missing handler, bundles over 1 MB and why). */
export function formatReport(report: BundleReport): string {
  const header = [
    'function',
    'KB min',
    'KB gzip',
    'load ms',
    'naive KB',
    'naive ms',
    'ratio',
    'cpu ratio',
    'SDK clients',
    'tree-shaking',
  ];
  const rows = report.functions.map((r) => [
    r.function,
    r.kb.toFixed(1),
    r.gzipKb.toFixed(1),
    String(r.coldLoadMs),
    r.naive ? r.naive.kb.toFixed(1) : '—',
    r.naive ? String(r.naive.coldLoadMs) : '—',
    r.loadRatio === undefined ? '—' : r.loadRatio.toFixed(2),
    r.cpuRatio === undefined ? '—' : r.cpuRatio.toFixed(2),
    String(r.clients.length),
    r.cjsSdkPackages.length === 0 ? 'ok (dist-es)' : `FAILED: dist-cjs ${r.cjsSdkPackages.join(', ')}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const lines = [
    `Lambda bundles as SST deploys them (esbuild ESM, minified, mainFields module→main, SDK schema keys made literal), loaded on node ${report.node}`,
    report.source === 'synth'
      ? 'Functions: read off every synthesized stack of the app (GOLDSMITH_STACKS).'
      : `Functions: globbed from functions/ (synthesis failed: ${report.fallbackReason ?? 'unknown reason'}).`,
    '',
    pad(header, widths),
    pad(
      widths.map((w) => '-'.repeat(w)),
      widths,
    ),
    ...rows.map((r) => pad(r, widths)),
  ];
  const notes: string[] = [];
  for (const r of report.functions) {
    if (!r.handlerIsFunction) notes.push(`${r.function}: the bundle has no "${r.handler.split('.').pop()}" function`);
    if (r.cjsSdkPackages.length > 0) {
      notes.push(`${r.function}: CommonJS SDK builds bundled (not tree-shaken): ${r.cjsSdkPackages.join(', ')}`);
    }
  }
  notes.push(...largeBundleNotes(report.functions));
  const ratios = report.functions.flatMap((r) => (r.loadRatio === undefined ? [] : [r.loadRatio]));
  if (ratios.length > 0) {
    const over = report.functions.filter((r) => (r.loadRatio ?? 0) > 0.45).map((r) => r.function);
    const cpu = report.functions.flatMap((r) => (r.cpuRatio === undefined ? [] : [r.cpuRatio]));
    const overCpu = report.functions.filter((r) => (r.cpuRatio ?? 0) > 0.45).map((r) => r.function);
    notes.push(
      `Cold load against a naive bundle (esbuild defaults: unminified, SDK CommonJS): ratio ${range(ratios)}` +
        (cpu.length ? ` (CPU time ${range(cpu)})` : '') +
        (over.length ? `; above 0.45: ${over.join(', ')}` : '; every function ≤ 0.45'),
    );
    if (cpu.length) {
      notes.push(
        overCpu.length ? `  by CPU time above 0.45: ${overCpu.join(', ')}` : '  by CPU time every function ≤ 0.45',
      );
    }
  }
  if (notes.length > 0) lines.push('', ...notes);
  return lines.join('\n');
}

function range(values: readonly number[]): string {
  return `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
}

/** One summary of the bundles over 1 MB: which they are, the SDK clients all of them carry, the biggest packages. */
function largeBundleNotes(rows: readonly BundleRow[]): string[] {
  const large = rows.filter((r) => r.kb * 1024 > LARGE_BUNDLE_BYTES);
  if (large.length === 0) return [];
  const names = large.length === rows.length ? 'all of them' : large.map((r) => r.function).join(', ');
  const shared = large.map((r) => r.clients).reduce((common, clients) => common.filter((c) => clients.includes(c)));
  const totals = new Map<string, number>();
  for (const r of large) for (const p of r.topPackages) totals.set(p.name, (totals.get(p.name) ?? 0) + p.kb);
  const biggest = [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([name, sum]) => `${name} ~${Math.round(sum / large.length)} KB`);
  return [
    `Over 1 MB: ${large.length} of ${rows.length} bundles (${names}).`,
    `  SDK clients in every one of them: ${shared.length} (${shared.join(', ') || 'none'})`,
    `  largest packages (average per bundle): ${biggest.join(', ')}`,
  ];
}
