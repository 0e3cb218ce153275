import { describe, expect, it } from 'vitest';
import { runFiguresText } from '../../../local/simulator/totals.js';

describe("simulate's run figures", () => {
  it('prints speed and the one peak-memory figure in MiB', () => {
    const run = { wallMs: 12_340, simulatedMonths: 2.96, monthsPerSecond: 0.24, steps: 10, peakRssMb: 412.4 };
    expect(runFiguresText(run)).toBe(
      'simulated 2.96 months in 12.3 s: 0.24 simulated months per second (peak memory 412 MiB)',
    );
  });
});
