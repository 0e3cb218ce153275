import type { EngineClock } from '../../local/stepfunctions/engine-options.js';

/** A hand-driven clock: sleepers wake only when the test advances time. */
export function manualClock(start: string): EngineClock & { advance(seconds: number): Promise<void> } {
  let now = Date.parse(start);
  const sleepers: { at: number; wake: () => void }[] = [];
  const flush = () => new Promise((resolve) => setTimeout(resolve, 5));
  return {
    now: () => new Date(now),
    sleepUntil: (at) => new Promise<void>((wake) => sleepers.push({ at: at.getTime(), wake })),
    async advance(seconds) {
      await flush();
      now += seconds * 1000;
      for (const s of sleepers.splice(0)) {
        if (s.at <= now) s.wake();
        else sleepers.push(s);
      }
      await flush();
    },
  };
}
