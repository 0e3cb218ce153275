import { describe, expect, it } from 'vitest';
import { formatMib, peakMemory, peakMib } from '../../../local/simulator/peak-memory.js';

describe('peak memory', () => {
  it("is the kernel's high-water mark (KiB) in MiB when it is above the samples", () => {
    expect(peakMib(300 * 1_048_576, 421_888)).toBe(412);
  });

  it('is the highest sample when the high-water mark lags behind it', () => {
    expect(peakMib(500 * 1_048_576, 421_888)).toBe(500);
  });

  it('prints as whole MiB, the one unit every output uses', () => {
    expect(formatMib(412.4)).toBe('412 MiB');
    expect(formatMib(412.6)).toBe('413 MiB');
  });

  it("reads this process's peak: at least its resident set now", () => {
    const memory = peakMemory();
    const peak = memory.mib();
    memory.stop();
    expect(peak).toBeGreaterThanOrEqual(process.memoryUsage().rss / 1_048_576 - 1);
  });
});
