import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { main } from '../../cli/main.js';
import type { SimulationResult } from '../../local/simulator/index.js';
import { captureOutput } from '../helpers/output.js';

/** A `goldsmith` command run in this process, its output captured (test/helpers/output.ts). */
export const goldsmith = (args: string[]) => captureOutput(() => main(args));

/** A scenario simulated with `--save`: the temp folder (the caller removes it), the saved cloud and the report. */
export interface SavedRun {
  root: string;
  cloud: string;
  report: SimulationResult['report'];
}

/**
 * Writes `catalog` and `scenario` as JSON files in a new temp folder and runs `goldsmith simulate --save --json` on
 * them, as a user would: the scenario files that then read the saved cloud with other commands share this setup.
 */
export async function simulateSaved(prefix: string, catalog: unknown, scenario: unknown): Promise<SavedRun> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const cloud = join(root, 'cloud');
  writeFileSync(join(root, 'catalog.json'), JSON.stringify(catalog));
  writeFileSync(join(root, 'scenario.json'), JSON.stringify(scenario));
  const config = ['--config', join(root, 'catalog.json'), '--scenario', join(root, 'scenario.json')];
  const out = await goldsmith(['simulate', ...config, '--save', cloud, '--json']);
  return { root, cloud, report: JSON.parse(out.stdout) as SimulationResult['report'] };
}

/**
 * A describe block's saved run: simulated once before its tests (simulateSaved), its temp folder removed after them.
 * @returns the run, for the tests to read.
 */
export function useSavedRun(prefix: string, catalog: unknown, scenario: unknown): () => SavedRun {
  let run: SavedRun | undefined;
  beforeAll(async () => {
    run = await simulateSaved(prefix, catalog, scenario);
  }, 300_000);
  afterAll(() => {
    if (run) rmSync(run.root, { recursive: true, force: true });
  });
  return () => {
    if (!run) throw new Error(`${prefix}: the scenario was not simulated`);
    return run;
  };
}
