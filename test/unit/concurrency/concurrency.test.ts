import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../../core/concurrency.js';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe('mapWithConcurrency', () => {
  it('keeps results in input order with at most `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (n, i) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      for (let t = 0; t < n; t += 1) await tick();
      inFlight -= 1;
      return `${i}:${n}`;
    });

    expect(results).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3']);
    expect(most).toBe(2);
  });

  it('runs one call at a time with a limit of 1', async () => {
    const order: string[] = [];
    await mapWithConcurrency([2, 1], 1, async (n) => {
      order.push(`start ${n}`);
      for (let t = 0; t < n; t += 1) await tick();
      order.push(`end ${n}`);
    });

    expect(order).toEqual(['start 2', 'end 2', 'start 1', 'end 1']);
  });

  it('calls each item once, with no more workers than items', async () => {
    const seen: number[] = [];
    expect(await mapWithConcurrency([1, 2], 8, async (n) => seen.push(n))).toEqual([1, 2]);
    expect(seen).toEqual([1, 2]);
    expect(await mapWithConcurrency([], 3, async () => 1)).toEqual([]);
  });

  it('rethrows the first failure after the calls already started have settled, and starts no more', async () => {
    const settled: number[] = [];
    const run = mapWithConcurrency([1, 2, 3, 4], 2, async (n) => {
      await tick();
      if (n === 1) throw new Error('first');
      await tick();
      settled.push(n);
      if (n === 2) throw new Error('second');
      return n;
    });

    await expect(run).rejects.toThrow('first');
    expect(settled).toEqual([2]);
  });

  it('refuses a limit that is not a positive integer', async () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      await expect(mapWithConcurrency([1], limit, async (n) => n)).rejects.toThrow(
        `concurrency limit must be a positive integer, got ${limit}`,
      );
    }
  });
});
