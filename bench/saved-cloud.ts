import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from '../scripts/bundle/cold-load.js';
import { runGoldsmith } from './goldsmith-process.js';

/** How long a command takes to open a saved local cloud, as a person running it waits for it. */
export type SavedCloudBenchmark =
  | { available: false; reason: string }
  | {
      available: true;
      /** The saved run: the default scenario up to this instant. */
      savedAt: string;
      runs: number;
      /** Median whole-process wall seconds of `goldsmith status --local DIR`. */
      statusSeconds: number;
      /** Median whole-process wall seconds of `goldsmith history base --local DIR`. */
      historySeconds: number;
      /**
       * Median whole-process wall seconds of `goldsmith build base --local DIR`, each on its own copy of the save: an
       * acting command opens the saved cloud, sends the request, runs it on until answered and saves it again.
       */
      buildSeconds: number;
    };

const RUNS = 3;
/** The default scenario's first two weeks: a saved cloud with builds, promotions and an approval to read. */
const SAVED_DAYS = 14;

/**
 * Saves the default scenario's first SAVED_DAYS days with `goldsmith simulate --save`, then times `status` and
 * `history` on it, each a new process (Node's start, the module loading and the open included), RUNS times.
 */
export function benchmarkSavedCloud(root: string): SavedCloudBenchmark {
  const dir = mkdtempSync(join(tmpdir(), 'goldsmith-bench-saved-'));
  try {
    const scenario = JSON.parse(readFileSync(join(root, 'local/simulator/default-scenario.json'), 'utf8')) as {
      start: string;
      until: string;
    };
    const savedAt = new Date(Date.parse(scenario.start) + SAVED_DAYS * 86_400_000).toISOString();
    const scenarioFile = join(dir, 'scenario.json');
    writeFileSync(scenarioFile, JSON.stringify({ ...scenario, until: savedAt }));
    const cloud = join(dir, 'cloud');
    const goldsmith = (args: string[]) => runGoldsmith(root, args);
    const saved = goldsmith(['simulate', '--scenario', scenarioFile, '--save', cloud, '--json']);
    // A run whose audit finds problems exits 1 but still saves: only a missing state is a failure here.
    if (!existsSync(join(cloud, 'state.json'))) {
      return { available: false, reason: `simulate --save failed: ${saved.stderr.trim().split('\n').pop() ?? ''}` };
    }
    const timed = (args: string[], fresh?: string) => {
      const seconds: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        if (fresh) {
          rmSync(fresh, { recursive: true, force: true });
          cpSync(cloud, fresh, { recursive: true });
        }
        const started = performance.now();
        const run = goldsmith(args);
        if (run.status !== 0) throw new Error(`goldsmith ${args.join(' ')}: ${run.stderr.trim()}`);
        seconds.push((performance.now() - started) / 1000);
      }
      return Math.round(median(seconds) * 100) / 100;
    };
    return {
      available: true,
      savedAt,
      runs: RUNS,
      statusSeconds: timed(['status', '--local', cloud]),
      historySeconds: timed(['history', 'base', '--local', cloud]),
      buildSeconds: timed(['build', 'base', '--reason', 'bench', '--local', join(dir, 'acted')], join(dir, 'acted')),
    };
  } catch (error) {
    return { available: false, reason: (error as Error).message };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The saved-cloud figures for people. */
export function formatSavedCloud(result: SavedCloudBenchmark): string {
  if (!result.available) return `saved cloud: no figures (${result.reason})`;
  return [
    `saved cloud (the default scenario saved at ${result.savedAt}; median of ${result.runs} runs, whole process)`,
    `  status --local DIR        ${result.statusSeconds} s to open and print`,
    `  history IMAGE --local DIR ${result.historySeconds} s to open and print`,
    `  build IMAGE --local DIR   ${result.buildSeconds} s to open the cloud, act and save it again`,
  ].join('\n');
}
