import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * A vitest reporter, used only when asked, that prints what each test file cost: its wall time including the
 * environment, the setup files, the import of the file and everything it imports, and its hooks (vitest's JSON
 * report's per-test durations leave the hooks out, where the scenario files run their simulations), and the CPU of
 * its worker while it ran (test/setup.ts attaches `process.cpuUsage()` to the file's meta: for a file isolated in a
 * process of its own, that is the process's whole CPU, its start included).
 *
 *   npx vitest run --reporter=default --reporter=./scripts/file-times.ts test/scenarios
 *
 * FILE_TIMES_JSON=path also writes the rows as JSON (for comparing runs); FILE_TIMES_IMPORTS=n prints the n modules
 * whose own import time, summed over the files, is largest (where the per-file import cost goes).
 */

declare module 'vitest' {
  interface TaskMeta {
    /** The worker's CPU spent on the file, in ms (test/setup.ts). */
    cpuMs?: number;
  }
}

export interface FileTime {
  file: string;
  project: string;
  tests: number;
  /** Environment, harness, setup files, import and collection, tests and hooks: the file's wall time in its worker. */
  wallMs: number;
  /** The import of the file and what it imports (and the collection of its suites). */
  importMs: number;
  /** The setup files (test/setup.ts). */
  setupMs: number;
  /** Tests and hooks. */
  runMs: number;
  /** The worker's user+system CPU spent on the file (undefined when test/setup.ts did not record it). */
  cpuMs: number | undefined;
}

/** The costs of one finished test module. */
export function fileTime(module: TestModule, root: string): FileTime {
  const d = module.diagnostic();
  return {
    file: relative(root, module.moduleId),
    project: module.project.name,
    tests: [...module.children.allTests()].length,
    wallMs: d.environmentSetupDuration + d.prepareDuration + d.setupDuration + d.collectDuration + d.duration,
    importMs: d.collectDuration,
    setupMs: d.setupDuration,
    runMs: d.duration,
    cpuMs: module.meta().cpuMs,
  };
}

const seconds = (ms: number | undefined) => (ms === undefined ? '-' : (ms / 1000).toFixed(1));

/** The rows as a table, dearest wall time first, with totals. */
export function formatFileTimes(rows: readonly FileTime[]): string {
  const sorted = [...rows].sort((a, b) => b.wallMs - a.wallMs);
  const sum = (pick: (row: FileTime) => number | undefined) => sorted.reduce((s, row) => s + (pick(row) ?? 0), 0);
  const lines = [
    'wall s  import s  setup s  tests+hooks s  cpu s  tests  project  file',
    ...sorted.map((row) =>
      [
        seconds(row.wallMs).padStart(6),
        seconds(row.importMs).padStart(9),
        seconds(row.setupMs).padStart(8),
        seconds(row.runMs).padStart(14),
        seconds(row.cpuMs).padStart(6),
        String(row.tests).padStart(6),
        ` ${row.project.padEnd(7)}`,
        ` ${row.file}`,
      ].join(''),
    ),
    [
      seconds(sum((r) => r.wallMs)).padStart(6),
      seconds(sum((r) => r.importMs)).padStart(9),
      seconds(sum((r) => r.setupMs)).padStart(8),
      seconds(sum((r) => r.runMs)).padStart(14),
      seconds(sum((r) => r.cpuMs)).padStart(6),
      String(sum((r) => r.tests)).padStart(6),
      `  total of ${sorted.length} files`,
    ].join(''),
  ];
  return `${lines.join('\n')}\n`;
}

/** `modules`' import self-times summed per module (paths relative to `root`), the `count` largest first. */
export function formatImportTimes(modules: readonly TestModule[], root: string, count: number): string {
  const totals = new Map<string, { ms: number; files: number }>();
  for (const module of modules) {
    for (const [id, { selfTime }] of Object.entries(module.diagnostic().importDurations)) {
      const name = relative(root, id).replace(/^node_modules\/\.pnpm\/[^/]+\/node_modules\//, '');
      const total = totals.get(name) ?? { ms: 0, files: 0 };
      totals.set(name, { ms: total.ms + selfTime, files: total.files + 1 });
    }
  }
  const top = [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, count);
  return `${['self s  files  module', ...top.map(([name, t]) => `${seconds(t.ms).padStart(6)}${String(t.files).padStart(7)}  ${name}`)].join('\n')}\n`;
}

export default class FileTimesReporter implements Reporter {
  private readonly rows: FileTime[] = [];
  private readonly modules: TestModule[] = [];
  private root = process.cwd();

  onInit(ctx: { config: { root: string } }): void {
    this.root = ctx.config.root;
  }

  onTestModuleEnd(module: TestModule): void {
    this.rows.push(fileTime(module, this.root));
    this.modules.push(module);
  }

  onTestRunEnd(): void {
    process.stdout.write(`\nPer file, including import, setup and hooks:\n${formatFileTimes(this.rows)}`);
    const imports = Number(process.env.FILE_TIMES_IMPORTS ?? 0);
    if (imports > 0) {
      process.stdout.write(
        `\nImports by own time, summed over files:\n${formatImportTimes(this.modules, this.root, imports)}`,
      );
    }
    const json = process.env.FILE_TIMES_JSON;
    if (json) writeFileSync(json, `${JSON.stringify(this.rows, null, 2)}\n`);
  }
}
