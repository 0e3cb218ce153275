import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmarkQuarter, formatQuarter } from '../../../bench/quarter.js';

describe('the default quarter benchmark', () => {
  it('prints the wall time, the run, peak memory, builds, promotions and the audit', () => {
    const text = formatQuarter({
      available: true,
      runs: 3,
      wallSeconds: 12.3,
      simulatedSeconds: 9.8,
      peakRssMb: 412,
      builds: 27,
      promotions: 71,
      consistent: true,
    });
    expect(text).toContain('median of 3 run(s)');
    expect(text).toContain('wall 12.3 s (of which the run 9.8 s), peak 412 MiB');
    expect(text).toContain('27 builds, 71 promotion attempts, consistency ok');
  });

  it('says why when the run printed no report, instead of a figure', () => {
    const root = mkdtempSync(join(tmpdir(), 'goldsmith-bench-quarter-'));
    try {
      const result = benchmarkQuarter(root);
      expect(result.available).toBe(false);
      expect(formatQuarter(result)).toMatch(
        /^default quarter: no figures \(goldsmith simulate --json printed no report: .+\)$/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
