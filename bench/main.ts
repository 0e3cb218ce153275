import { resolve } from 'node:path';
import { formatReport } from '../scripts/bundle/report.js';
import { type BundleReport, bundleReport } from '../scripts/bundle.js';
import { BENCH_USAGE, type BenchPart, benchOptions } from './options.js';
import { benchmarkOrganization, formatOrganization, PROFILE_INTERVAL_US } from './organization.js';
import { benchmarkQuarter, formatQuarter, type QuarterBenchmark } from './quarter.js';
import { formatRequestFloor, measureRequestFloor, type RequestFloor } from './request-floor.js';
import { benchmarkSavedCloud, formatSavedCloud, type SavedCloudBenchmark } from './saved-cloud.js';
import { benchmarkSharing, formatSharing, type SharingBenchmark } from './sharing.js';
import { benchmarkSimulation, formatSimulation, type SimulationBenchmark } from './simulation.js';

/** Requests of each kind the floor is measured over. */
const FLOOR_REQUESTS = 5000;

/**
 * `npm run bench`: the bundle report, the request floor (bench/request-floor.ts), the default quarter (`npm start`)
 * with what its requests cost at that floor, the simulation benchmark's year, how long a saved local cloud takes to
 * open, then the fleet-scale sharing and organization benchmarks. Figures
 * only: a slow run never fails; an error (a bundle that does not build or load, a run that fails or whose audit
 * finds problems) does. With `--json`, stdout is one document; with `--list`, the parts it would run, one a line.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const options = benchOptions(argv);
  if ('problem' in options) {
    process.stderr.write(`${options.problem}\n`);
    return 1;
  }
  if (options.help) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }
  if (options.list) {
    process.stdout.write(options.parts.map((part) => `${part}\n`).join(''));
    return 0;
  }
  const values = { json: options.json };
  const { runs, months } = options;
  const wanted = (part: BenchPart) => options.parts.includes(part);
  const root = resolve(import.meta.dirname, '..');
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const out: {
    bundles?: BundleReport;
    quarter?: QuarterBenchmark;
    floor?: RequestFloor | { available: false; reason: string };
    simulation?: SimulationBenchmark;
    savedCloud?: SavedCloudBenchmark;
    sharing?: SharingBenchmark;
    organization?: SimulationBenchmark;
  } = {};

  if (wanted('bundle')) {
    out.bundles = await bundleReport({ root, runs, log });
    if (!values.json) process.stdout.write(`${formatReport(out.bundles)}\n\n`);
  }
  // In this process, before the simulations (each configures the SDK clients again for its own cloud); with the
  // quarter, which says what its requests cost at the floor.
  if (wanted('floor')) {
    log('request floor…');
    try {
      const floor = await measureRequestFloor(FLOOR_REQUESTS);
      out.floor = floor;
      if (!values.json) process.stdout.write(`${formatRequestFloor(floor)}\n`);
    } catch (error) {
      // Reported, and the run fails at the end; the other parts still run.
      out.floor = { available: false, reason: error instanceof Error ? error.message : String(error) };
      if (!values.json) process.stdout.write(`request floor: no figures (${out.floor.reason})\n`);
    }
  }
  if (wanted('quarter')) {
    log('default quarter (npm start)…');
    out.quarter = benchmarkQuarter(root);
    const floor = out.floor && !('available' in out.floor) ? out.floor : undefined;
    if (!values.json) process.stdout.write(`${formatQuarter(out.quarter, floor)}\n`);
  }
  if (wanted('simulation')) {
    log('simulation benchmark…');
    out.simulation = await benchmarkSimulation(root, { months, profileIntervalUs: PROFILE_INTERVAL_US });
    if (!values.json) process.stdout.write(`${formatSimulation(out.simulation)}\n`);
  }
  if (wanted('saved-cloud')) {
    log('saved-cloud benchmark…');
    out.savedCloud = benchmarkSavedCloud(root);
    if (!values.json) process.stdout.write(`${formatSavedCloud(out.savedCloud)}\n`);
  }
  if (wanted('sharing')) {
    log('sharing benchmark (fleet scale)…');
    out.sharing = await benchmarkSharing(root);
    if (!values.json) process.stdout.write(`${formatSharing(out.sharing)}\n`);
  }
  if (wanted('organization')) {
    log('organization benchmark (100 images, one monthly cycle)…');
    out.organization = await benchmarkOrganization(root, options.accountsPerOu);
    if (!values.json) process.stdout.write(`${formatOrganization(out.organization)}\n`);
  }
  if (values.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  const bundlesLoad = out.bundles?.functions.every((f) => f.handlerIsFunction) ?? true;
  const quarterRan = out.quarter?.available ?? true;
  const floorMeasured = !(out.floor && 'available' in out.floor);
  const simulationRan = !(out.simulation && !out.simulation.available && out.simulation.failed);
  const savedCloudOpened = out.savedCloud?.available ?? true;
  const sharingOk = !out.sharing || (out.sharing.available && out.sharing.consistent);
  const organizationRan = !(out.organization && !out.organization.available);
  return bundlesLoad && floorMeasured && quarterRan && simulationRan && savedCloudOpened && sharingOk && organizationRan
    ? 0
    : 1;
}
