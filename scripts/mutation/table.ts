/**
 * The per-module table `npm run mutation` prints, from Stryker's JSON report (mutation-testing-report-schema:
 * `files[path].mutants[].status`). A module's score counts the mutants that compile: killed (or timed out) over
 * killed, timed out, survived and reached by no test. Mutants marked equivalent (`Ignored`) and those that do not
 * compile are left out, as Stryker's own "score based on covered code" leaves them out of its denominator.
 */

export type MutantStatus =
  | 'Killed'
  | 'Survived'
  | 'NoCoverage'
  | 'Timeout'
  | 'CompileError'
  | 'RuntimeError'
  | 'Ignored'
  | 'Pending';

export interface ReportMutant {
  status: MutantStatus;
  statusReason?: string | undefined;
}

export interface MutationReport {
  files: Record<string, { mutants: ReportMutant[] }>;
}

export interface ModuleScore {
  module: string;
  killed: number;
  survived: number;
  noCoverage: number;
  /** Marked equivalent in the code (`// Stryker disable … : <reason>`): left out of the score. */
  equivalent: number;
  /** In module-level tables, skipped by `ignoreStatic` (stryker.config.mjs): left out of the score. */
  static: number;
  /** Killed ÷ (killed + survived + no coverage), in percent; null when no mutant compiles. */
  score: number | null;
  /** The score this module must reach. */
  target: number;
}

/** The modules whose decisions carry the most weight: they must reach 95 %, every other module 90 %. */
export const STRICT_MODULES = [
  'core/errors/classify.ts',
  'core/lifecycle/retention.ts',
  'core/lifecycle/revocation.ts',
  'core/sharing/planner.ts',
];

/** One row per file of the report, sorted by path, and the total over all of them. */
export function moduleScores(report: MutationReport, root: string): { rows: ModuleScore[]; total: ModuleScore } {
  const rows = Object.entries(report.files)
    .map(([path, file]) => score(relative(path, root), file.mutants))
    .sort((a, b) => a.module.localeCompare(b.module));
  const all = Object.values(report.files).flatMap((f) => f.mutants);
  return { rows, total: score('all modules', all) };
}

function relative(path: string, root: string): string {
  return path.startsWith(root) ? path.slice(root.length).replace(/^\/+/, '') : path;
}

function score(module: string, mutants: ReportMutant[]): ModuleScore {
  const count = (...statuses: MutantStatus[]) => mutants.filter((m) => statuses.includes(m.status)).length;
  const killed = count('Killed', 'Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const valid = killed + survived + noCoverage;
  return {
    module,
    killed,
    survived,
    noCoverage,
    equivalent: mutants.filter((m) => m.status === 'Ignored' && !isStatic(m)).length,
    static: mutants.filter((m) => m.status === 'Ignored' && isStatic(m)).length,
    score: valid === 0 ? null : (100 * killed) / valid,
    target: STRICT_MODULES.includes(module) ? 95 : 90,
  };
}

/** Stryker's reason for a mutant it skipped under `ignoreStatic`. */
function isStatic(m: ReportMutant): boolean {
  return /static/i.test(m.statusReason ?? '');
}

/** The table as text lines; a module below its target is flagged. */
export function formatTable(rows: ModuleScore[], total: ModuleScore): string[] {
  const width = Math.max(...rows.map((r) => r.module.length), total.module.length);
  const line = (r: ModuleScore, flag: string) =>
    `${r.module.padEnd(width)}  ${(r.score === null ? 'n/a' : r.score.toFixed(1)).padStart(6)}  ${String(r.killed).padStart(6)}  ${String(r.survived).padStart(8)}  ${String(r.noCoverage).padStart(8)}  ${String(r.equivalent).padStart(10)}  ${String(r.static).padStart(6)}  ${flag}`;
  const header = `${'module'.padEnd(width)}  ${'score%'.padStart(6)}  ${'killed'.padStart(6)}  ${'survived'.padStart(8)}  ${'no cover'.padStart(8)}  ${'equivalent'.padStart(10)}  ${'static'.padStart(6)}`;
  return [
    header,
    '-'.repeat(header.length),
    ...rows.map((r) => line(r, r.score !== null && r.score < r.target ? `below ${r.target} %` : '')),
    '-'.repeat(header.length),
    line(total, ''),
  ].map((l) => l.trimEnd());
}
