import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../local/clock.js';

const T0 = Date.parse('2027-01-01T00:00:00Z');
const realDelay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('VirtualClock', () => {
  it('runs items in time order and equal times in scheduling order', async () => {
    const clock = new VirtualClock(T0);
    const seen: string[] = [];
    clock.schedule(T0 + 2000, 'c', () => seen.push(`c@${clock.now() - T0}`));
    clock.schedule(T0 + 1000, 'a', () => seen.push(`a@${clock.now() - T0}`));
    clock.schedule(T0 + 1000, 'b', () => seen.push(`b@${clock.now() - T0}`));
    const result = await clock.run(T0 + 5000);
    expect(seen).toEqual(['a@1000', 'b@1000', 'c@2000']);
    expect(result).toEqual({ steps: 3, now: T0 + 5000 });
  });

  it('awaits what onStep returns before running the next item', async () => {
    const clock = new VirtualClock(T0);
    const seen: string[] = [];
    clock.schedule(T0 + 1000, 'a', () => seen.push('a'));
    clock.schedule(T0 + 2000, 'b', () => seen.push('b'));
    await clock.run(T0 + 5000, async (now) => {
      await realDelay(5);
      seen.push(`observed@${now - T0}`);
    });
    expect(seen).toEqual(['a', 'observed@1000', 'b', 'observed@2000']);
  });

  it('leaves items after `until` for a later run and skips cancelled ones', async () => {
    const clock = new VirtualClock(T0);
    const seen: string[] = [];
    clock.schedule(T0 + 10, 'early', () => seen.push('early'));
    clock.schedule(T0 + 20, 'cancelled', () => seen.push('cancelled')).cancel();
    clock.schedule(T0 + 1000, 'late', () => seen.push('late'));
    await clock.run(T0 + 500);
    expect(seen).toEqual(['early']);
    await clock.run(T0 + 1000);
    expect(seen).toEqual(['early', 'late']);
  });

  it('resolves sleeps at the virtual time they asked for', async () => {
    const clock = new VirtualClock(T0);
    const woke: number[] = [];
    void clock.track(async () => {
      await clock.sleep(60_000);
      woke.push(clock.now() - T0);
      await clock.sleepUntil(T0 + 3_600_000);
      woke.push(clock.now() - T0);
    });
    await clock.run(T0 + 86_400_000);
    expect(woke).toEqual([60_000, 3_600_000]);
  });

  it('waits for real I/O started by an item before advancing time', async () => {
    const clock = new VirtualClock(T0);
    const log: string[] = [];
    clock.schedule(T0 + 1, 'io', async () => {
      await realDelay(30);
      log.push(`io done at ${clock.now() - T0}`);
    });
    clock.schedule(T0 + 2, 'next', () => log.push(`next at ${clock.now() - T0}`));
    await clock.run(T0 + 10);
    expect(log).toEqual(['io done at 1', 'next at 2']);
  });

  it('waits for tracked promises that are not items', async () => {
    const clock = new VirtualClock(T0);
    const log: string[] = [];
    clock.schedule(T0 + 1, 'start', () => {
      void clock.track(realDelay(20).then(() => log.push(`tracked at ${clock.now() - T0}`)));
    });
    clock.schedule(T0 + 2, 'after', () => log.push('after'));
    await clock.run(T0 + 10);
    expect(log).toEqual(['tracked at 1', 'after']);
  });

  it('lets work that sleeps on the clock park instead of blocking time', async () => {
    const clock = new VirtualClock(T0);
    const log: string[] = [];
    clock.schedule(T0, 'handler', async () => {
      await realDelay(5);
      await clock.sleep(3_600_000);
      log.push(`handler resumed at ${(clock.now() - T0) / 3_600_000}h`);
    });
    clock.schedule(T0 + 1_800_000, 'midway', () => log.push('midway'));
    await clock.run(T0 + 7_200_000);
    expect(log).toEqual(['midway', 'handler resumed at 1h']);
  });

  it('fails with the stuck labels when tracked work never settles', async () => {
    const clock = new VirtualClock(T0, { stallTimeoutMs: 50 });
    clock.schedule(T0, 'hangs', () => new Promise(() => undefined));
    await expect(clock.run(T0 + 1)).rejects.toThrow(/stalled.*hangs/);
  });

  it('runs a year of hourly items in well under a few seconds', async () => {
    const clock = new VirtualClock(T0);
    let count = 0;
    for (let h = 0; h < 24 * 365; h++) clock.schedule(T0 + h * 3_600_000, 'tick', () => count++);
    const started = performance.now();
    await clock.run(T0 + 366 * 86_400_000);
    expect(count).toBe(24 * 365);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('VirtualClock.runUntilSettled', () => {
  it('advances only as far as the awaited work needs', async () => {
    const clock = new VirtualClock(T0);
    let later = false;
    clock.schedule(T0 + 10_000, 'later', () => {
      later = true;
    });
    const value = await clock.runUntilSettled(
      clock.track(async () => {
        await clock.sleep(2_000);
        return 'done';
      }),
    );
    expect(value).toBe('done');
    expect(clock.now()).toBe(T0 + 2_000);
    expect(later).toBe(false);
  });

  it('fails instead of hanging when nothing scheduled can settle the work', async () => {
    const clock = new VirtualClock(T0);
    await expect(clock.runUntilSettled(new Promise(() => undefined))).rejects.toThrow(/nothing is scheduled/);
  });
});

describe('VirtualClock failures', () => {
  it('reports a scheduled item whose async work rejects, naming the item', async () => {
    const clock = new VirtualClock(T0);
    clock.schedule(T0 + 1, 'broken handler', async () => {
      throw new Error('boom');
    });
    await expect(clock.run(T0 + 10)).rejects.toThrow(/scheduled item "broken handler" failed/);
  });
});

describe('VirtualClock.park', () => {
  it('lets time advance while tracked work waits on an outside promise, then resumes it', async () => {
    const clock = new VirtualClock(T0);
    let approve: (by: string) => void = () => undefined;
    const approval = new Promise<string>((resolve) => {
      approve = resolve;
    });
    const log: string[] = [];
    clock.schedule(T0, 'execution', async () => {
      const by = await clock.park(approval);
      log.push(`approved by ${by} at ${(clock.now() - T0) / 3_600_000}h`);
    });
    clock.schedule(T0 + 3_600_000, 'approver', () => approve('ops-lead'));
    await clock.run(T0 + 7_200_000);
    expect(log).toEqual(['approved by ops-lead at 1h']);
  });
});

describe('VirtualClock.trackApart', () => {
  it("keeps the caller's real I/O waited for while the work it set going sleeps, and waits for that work too", async () => {
    const clock = new VirtualClock(T0);
    const log: string[] = [];
    // A publisher (RequestApproval) whose message sets a reader going (an approver reading mail for half a minute),
    // then goes on with real I/O (its next Publish): that lands at the instant the publisher is at, not when the
    // reader wakes.
    clock.schedule(T0, 'publisher', async () => {
      void clock.trackApart(async () => {
        await clock.sleep(30_000);
        log.push(`reader woke at ${clock.now() - T0}`);
        await realDelay(5);
        log.push(`reader clicked at ${clock.now() - T0}`);
      }, 'reader');
      await realDelay(20);
      log.push(`publisher sent at ${clock.now() - T0}`);
    });
    await clock.run(T0 + 60_000);
    expect(log).toEqual(['publisher sent at 0', 'reader woke at 30000', 'reader clicked at 30000']);
  });
});

describe('VirtualClock, for a saved cloud', () => {
  it('lists its pending items in running order, with what re-creates each', async () => {
    const clock = new VirtualClock(T0);
    clock.schedule(T0 + 2000, 'later', () => undefined, { kind: 'schedule', data: { name: 'daily' } });
    clock.schedule(T0 + 1000, 'closure', () => undefined);
    clock.schedule(T0 + 500, 'cancelled', () => undefined).cancel();
    expect(clock.pendingItems()).toEqual([
      { at: T0 + 1000, label: 'closure', remake: undefined },
      { at: T0 + 2000, label: 'later', remake: { kind: 'schedule', data: { name: 'daily' } } },
    ]);
  });

  it('stops before what is due at the end when asked, and puts a request first at its instant', async () => {
    const clock = new VirtualClock(T0);
    const seen: string[] = [];
    clock.schedule(T0 + 1000, 'due at the end', () => seen.push('due'));
    await clock.run(T0 + 1000, undefined, { before: true });
    expect(seen).toEqual([]);
    expect(clock.now()).toBe(T0 + 1000);
    clock.ahead(() => clock.schedule(T0 + 1000, 'request', () => seen.push('request')));
    await clock.run(T0 + 1000);
    expect(seen).toEqual(['request', 'due']);
  });

  it('puts what it is given ahead of what is due at that instant, in the order given, after what it put before', async () => {
    const clock = new VirtualClock(T0);
    const seen: string[] = [];
    clock.schedule(T0 + 1000, 'left pending', () => seen.push('pending'));
    clock.ahead(() => {
      clock.schedule(T0 + 1000, 'schedule run', () => {
        seen.push('schedule');
        // What an item put ahead schedules when it runs goes as usual: after what was due already.
        clock.schedule(T0 + 1000, 'its invocation', () => seen.push('invocation'));
      });
      clock.schedule(T0 + 1000, 'request', () => seen.push('request'));
    });
    clock.ahead(() => clock.schedule(T0 + 1000, 'second request', () => seen.push('second')));
    await clock.run(T0 + 1000);
    expect(seen).toEqual(['schedule', 'request', 'second', 'pending', 'invocation']);
  });

  it('moves to a saved instant, dropping what a fresh start put on it', async () => {
    const clock = new VirtualClock(T0);
    const seen: string[] = [];
    clock.schedule(T0 + 1000, 'fresh start', () => seen.push('fresh'));
    clock.moveTo(T0 + 60_000);
    expect(clock.now()).toBe(T0 + 60_000);
    expect(clock.pendingItems()).toEqual([]);
    await clock.run(T0 + 120_000);
    expect(seen).toEqual([]);
  });
});
