import { describe, expect, it } from 'vitest';
import { formatTable, type MutationReport, moduleScores } from '../../../scripts/mutation/table.js';

const report: MutationReport = {
  files: {
    '/repo/core/sharing/targets.ts': {
      mutants: [
        ...Array.from({ length: 8 }, () => ({ status: 'Killed' as const })),
        { status: 'Timeout' },
        { status: 'Survived' },
        { status: 'CompileError' },
        { status: 'Ignored', statusReason: 'Static mutant (and "ignoreStatic" was enabled)' },
      ],
    },
    '/repo/core/errors/classify.ts': {
      mutants: [
        { status: 'Killed' },
        { status: 'NoCoverage' },
        { status: 'Ignored', statusReason: 'an undefined cause also ends the loop' },
      ],
    },
  },
};

describe('the mutation score table', () => {
  it('scores each module over the mutants that compile, leaving out equivalent and static ones', () => {
    const { rows, total } = moduleScores(report, '/repo/');
    expect(rows.map((r) => [r.module, r.score, r.killed, r.survived, r.noCoverage, r.equivalent, r.static])).toEqual([
      ['core/errors/classify.ts', 50, 1, 0, 1, 1, 0],
      ['core/sharing/targets.ts', 90, 9, 1, 0, 0, 1],
    ]);
    expect(total.score).toBeCloseTo((100 * 10) / 12);
  });

  it('flags a module below its target: 95 % for the strict modules, 90 % for the others', () => {
    const { rows, total } = moduleScores(report, '/repo');
    const lines = formatTable(rows, total);
    expect(lines.find((l) => l.startsWith('core/errors/classify.ts'))).toMatch(/50\.0 .*below 95 %$/);
    expect(lines.find((l) => l.startsWith('core/sharing/targets.ts'))).toMatch(/90\.0 .*1$/);
    expect(lines.at(-1)).toMatch(/^all modules\s+83\.3/);
  });

  it('shows n/a for a module none of whose mutants compile', () => {
    const { rows, total } = moduleScores({ files: { 'core/x.ts': { mutants: [{ status: 'CompileError' }] } } }, '/');
    expect(rows[0]?.score).toBeNull();
    expect(formatTable(rows, total)[2]).toMatch(/^core\/x\.ts\s+n\/a/);
  });
});
