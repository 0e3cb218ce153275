import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Catalog } from '../core/config/schema.js';
import { InvalidCatalogError } from '../core/errors.js';
import { bundleFunctions } from './bundle/build.js';
import {
  type ColdLoad,
  fakeLambdaEnvironment,
  lambdaNode,
  measureColdLoad,
  median,
  nodeVersion,
} from './bundle/cold-load.js';
import { type DiscoveredFunctions, discoverFunctions, entryOfHandler, globHandlers } from './bundle/handlers.js';
import { type BundleReport, DEFAULT_RUNS, formatReport, rowOf } from './bundle/report.js';

export type { BundleReport, BundleRow } from './bundle/report.js';

export interface BundleReportOptions {
  /** Project root (default: the current directory). */
  root?: string;
  /** Catalog file the stacks are synthesized from (default `goldsmith.config.ts` under the root). */
  config?: string;
  /** Fresh processes per cold-load measurement, ours and the naive bundle's in turn; the median is reported (default 5). */
  runs?: number;
  /** Keep the temp directory with the bundles (its path is in the report). */
  keep?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Also bundle each handler with esbuild's defaults and measure both cold loads in turn (default true). */
  naive?: boolean;
}

function medianLoad(loads: readonly ColdLoad[]): ColdLoad {
  const runs = loads.flatMap((l) => l.runs);
  const cpuRuns = loads.flatMap((l) => l.cpuRuns);
  return {
    ms: median(runs),
    runs,
    cpuMs: median(cpuRuns),
    cpuRuns,
    handlerIsFunction: loads.every((l) => l.handlerIsFunction),
  };
}

async function loadCatalog(root: string, config: string): Promise<Catalog | string> {
  try {
    const { loadCatalogFile } = await import('../cli/load-catalog.js');
    return await loadCatalogFile(resolve(root, config));
  } catch (error) {
    const detail = error instanceof InvalidCatalogError ? error.problems.join('; ') : String(error);
    return `catalog ${config} did not load (${detail})`;
  }
}

/**
 * Bundles every Lambda function as `sst deploy` would, into a temp directory outside the repository, and
 * measures each bundle: minified and gzip size, SDK clients and whether any came from `dist-cjs`, and the median
 * time a fresh Node 22 process with a fake Lambda environment takes to import it.
 */
export async function bundleReport(options: BundleReportOptions = {}): Promise<BundleReport> {
  const root = resolve(options.root ?? process.cwd());
  const log = options.log ?? (() => undefined);
  options = { naive: true, ...options };
  const catalog = await loadCatalog(root, options.config ?? 'goldsmith.config.ts');
  log(typeof catalog === 'string' ? catalog : 'synthesizing the stacks…');
  const discovered: DiscoveredFunctions =
    typeof catalog === 'string'
      ? { functions: globHandlers(root), source: 'glob', fallbackReason: catalog }
      : await discoverFunctions(root, catalog);
  if (discovered.fallbackReason) log(`falling back to functions/ modules: ${discovered.fallbackReason}`);
  const outdir = mkdtempSync(join(tmpdir(), 'goldsmith-bundles-'));
  try {
    log(`bundling ${discovered.functions.length} functions into ${outdir}…`);
    const settings = {
      root,
      ...(typeof catalog === 'string' ? {} : { catalogJson: JSON.stringify(catalog) }),
    };
    const bundles = await bundleFunctions(discovered.functions, { ...settings, outdir });
    const naive = options.naive
      ? await bundleFunctions(discovered.functions, { ...settings, outdir: join(outdir, 'naive') }, 'naive')
      : [];
    const node = lambdaNode(root);
    const region = typeof catalog === 'string' ? 'us-east-1' : catalog.organization.homeRegion;
    const rows = [];
    for (const [i, bundle] of bundles.entries()) {
      log(`loading ${bundle.fn.name}…`);
      const measure = (file: string) =>
        measureColdLoad(file, {
          node,
          exportName: entryOfHandler(root, bundle.fn.handler).exportName,
          env: fakeLambdaEnvironment(`goldsmith-${bundle.fn.name.replace('/', '-')}`, region, bundle.fn.environment),
          runs: 1,
        });
      // Ours and the naive bundle in turn, one fresh process each, so both see the same machine load.
      const ours: ColdLoad[] = [];
      const theirs: ColdLoad[] = [];
      const counterpart = naive[i];
      for (let run = 0; run < (options.runs ?? DEFAULT_RUNS); run++) {
        ours.push(await measure(bundle.file));
        if (counterpart) theirs.push(await measure(counterpart.file));
      }
      rows.push(rowOf(bundle, medianLoad(ours), counterpart && { bundle: counterpart, load: medianLoad(theirs) }));
    }
    return {
      node: await nodeVersion(node),
      source: discovered.source,
      ...(discovered.fallbackReason === undefined ? {} : { fallbackReason: discovered.fallbackReason }),
      outdir: options.keep ? outdir : '(removed)',
      functions: rows,
    };
  } finally {
    if (!options.keep) rmSync(outdir, { recursive: true, force: true });
  }
}

const USAGE = 'usage: npm run bundle -- [--json] [--config FILE] [--runs N] [--keep]';

/** `npm run bundle -- [--json] [--config FILE] [--runs N] [--keep]`; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let values: { json?: boolean; config?: string; runs?: string; keep?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        json: { type: 'boolean' },
        config: { type: 'string' },
        runs: { type: 'string' },
        keep: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 1;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const runs = values.runs === undefined ? DEFAULT_RUNS : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`--runs: must be a whole number ≥ 1, got "${values.runs}"\n`);
    return 1;
  }
  const report = await bundleReport({
    ...(values.config === undefined ? {} : { config: values.config }),
    runs,
    keep: values.keep ?? false,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  return report.functions.every((f) => f.handlerIsFunction) ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
