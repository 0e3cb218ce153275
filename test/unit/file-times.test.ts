import { describe, expect, it } from 'vitest';
import { type FileTime, formatFileTimes } from '../../scripts/file-times.js';

const row = (file: string, wallMs: number, cpuMs: number | undefined): FileTime => ({
  file,
  project: 'local',
  tests: 2,
  wallMs,
  importMs: 1000,
  setupMs: 500,
  runMs: wallMs - 1500,
  cpuMs,
});

describe('the file-times reporter (scripts/file-times.ts)', () => {
  it('lists files dearest wall time first, hooks and import included, with a totals line', () => {
    const text = formatFileTimes([row('test/a.test.ts', 2_000, 1_500), row('test/b.test.ts', 61_000, 40_000)]);
    const lines = text.trimEnd().split('\n');

    expect(lines[0]).toBe('wall s  import s  setup s  tests+hooks s  cpu s  tests  project  file');
    expect(lines[1]).toBe('  61.0      1.0     0.5          59.5  40.0     2 local   test/b.test.ts');
    expect(lines[2]).toBe('   2.0      1.0     0.5           0.5   1.5     2 local   test/a.test.ts');
    expect(lines[3]).toBe('  63.0      2.0     1.0          60.0  41.5     4  total of 2 files');
  });

  it('shows a dash for a file whose CPU the setup file did not record', () => {
    expect(formatFileTimes([row('test/c.test.ts', 3_000, undefined)])).toContain(
      '   1.5     -     2 local   test/c.test.ts',
    );
  });
});
