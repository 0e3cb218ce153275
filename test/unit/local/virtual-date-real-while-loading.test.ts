import { describe, expect, it } from 'vitest';
import { installVirtualDate, withRealDate } from '../../../local/simulator/virtual-date.js';

const VIRTUAL = Date.parse('2031-06-01T00:00:00Z');
const wallClock = () => performance.timeOrigin + performance.now();

describe("the local cloud's set-up, in real time while the clock is virtual", () => {
  it('reads real time inside withRealDate and the virtual clock again after it', async () => {
    const restore = installVirtualDate(() => VIRTUAL);
    try {
      expect(Date.now()).toBe(VIRTUAL);
      const inside = await withRealDate(async () => [Date.now(), Date.parse(new Date().toISOString())]);
      for (const t of inside) expect(Math.abs(t - wallClock())).toBeLessThan(5_000);
      expect(Date.now()).toBe(VIRTUAL);
      expect(new Date().toISOString()).toBe('2031-06-01T00:00:00.000Z');
    } finally {
      restore();
    }
    expect(Math.abs(Date.now() - wallClock())).toBeLessThan(5_000);
  });

  it('gives the virtual clock back when the work throws', async () => {
    const restore = installVirtualDate(() => VIRTUAL);
    try {
      await expect(
        withRealDate(async () => {
          throw new Error('import failed');
        }),
      ).rejects.toThrow('import failed');
      expect(Date.now()).toBe(VIRTUAL);
    } finally {
      restore();
    }
  });
});
