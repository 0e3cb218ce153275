import { describe, expect, it } from 'vitest';
import { installVirtualDate, virtualDateInstalled } from '../../local/simulator/virtual-date.js';
import { awaitStrayCloud } from '../helpers/stray-cloud.js';

const FILE = 'test/scenarios/slow.test.ts';

describe('the end of a file in a shared worker (test/helpers/stray-cloud.ts, test/setup-shared-cloud.ts)', () => {
  it('lets the next file start at once when no cloud is running', async () => {
    // Asked once and never polled (a poll waits 10 minutes here): no wall-clock bound a loaded machine could miss.
    let asked = 0;
    await awaitStrayCloud(
      FILE,
      () => {
        asked++;
        return false;
      },
      { pollMs: 600_000 },
    );
    expect(asked).toBe(1);
  });

  it('waits for a cloud still running to stop, then fails naming the file', async () => {
    const stopsAt = performance.now() + 300;
    const running = () => performance.now() < stopsAt;
    await expect(awaitStrayCloud(FILE, running, { pollMs: 20 })).rejects.toThrow(
      /^test\/scenarios\/slow\.test\.ts ended with a local cloud still running \(.*\); its worker waited \d+\.\d s for it to stop before the next file$/,
    );
    expect(running()).toBe(false);
  });

  it('gives up on a cloud that does not stop, failing naming the file', async () => {
    await expect(awaitStrayCloud(FILE, () => true, { limitMs: 200, pollMs: 20 })).rejects.toThrow(
      /^test\/scenarios\/slow\.test\.ts ended with a local cloud still running, and it was still running \d+\.\d s later/,
    );
  });

  it('sees a cloud as running from the virtual date it installs until it is restored', () => {
    expect(virtualDateInstalled()).toBe(false);
    const restore = installVirtualDate(() => Date.parse('2031-06-01T00:00:00Z'));
    try {
      expect(virtualDateInstalled()).toBe(true);
    } finally {
      restore();
    }
    expect(virtualDateInstalled()).toBe(false);
  });
});
