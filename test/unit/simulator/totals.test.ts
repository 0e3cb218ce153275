import { describe, expect, it } from 'vitest';
import { estimateRun } from '../../../core/cost/estimate.js';
import { DEFAULT_PRICES } from '../../../core/cost/prices.js';
import { costTables, runFiguresText } from '../../../local/simulator/totals.js';
import { buildItem, ledger, NO_USAGE } from '../cost/fixtures.js';

describe("simulate's run figures", () => {
  it('prints speed and the one peak-memory figure in MiB', () => {
    const run = { wallMs: 12_340, simulatedMonths: 2.96, monthsPerSecond: 0.24, steps: 10, peakRssMb: 412.4 };
    expect(runFiguresText(run)).toBe(
      'simulated 2.96 months in 12.3 s: 0.24 simulated months per second (peak memory 412 MiB)',
    );
  });
});

describe("simulate's cost per image", () => {
  const window = (until: string) =>
    estimateRun({
      images: { base: ledger([buildItem('1.0.0/1', '2027-01-01T00:00:00Z', 0.5, 0)]) },
      orchestration: NO_USAGE,
      promotions: 0,
      start: '2027-01-01T00:00:00Z',
      until,
      prices: DEFAULT_PRICES,
    });
  const perImage = (until: string) => costTables(window(until)).find((t) => t.id === 'cost-per-image')?.rows;

  it('says a window shorter than a day has no average per month, and averages a longer one', () => {
    expect(perImage('2027-01-01T01:00:00Z')).toEqual([['base', '0.50', 'none: the window is shorter than a day']]);
    expect(perImage('2027-01-31T00:00:00Z')).toEqual([['base', '0.50', '0.51']]);
  });
});
