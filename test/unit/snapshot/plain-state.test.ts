import { describe, expect, it } from 'vitest';
import { exportState, importState, UnsavableStateError } from '../../../local/snapshot/plain-state.js';

class Counter {
  count = 0;
  readonly seen = new Map<string, { at: Date; tags: Set<string> }>();
  last: number | undefined = 1;
  constructor(readonly now: () => number) {}
  bump(name: string): number {
    this.seen.set(name, { at: new Date(this.now()), tags: new Set([name]) });
    return ++this.count;
  }
}

/** Through the disk: what `state.json` holds is JSON. */
const viaJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('a stateful object saved as plain data and written into a fresh one', () => {
  it('holds what the saved one held (maps, sets, dates, undefined) and keeps its class and its callbacks', () => {
    const saved = new Counter(() => Date.parse('2027-01-02T00:00:00Z'));
    saved.bump('a');
    saved.bump('b');
    saved.last = undefined;
    const fresh = new Counter(() => Date.parse('2027-03-01T00:00:00Z'));
    const seenBefore = fresh.seen;
    importState(fresh, viaJson(exportState(saved)));

    expect(fresh.count).toBe(2);
    expect(fresh.last).toBeUndefined();
    expect(fresh.seen.get('b')?.at.toISOString()).toBe('2027-01-02T00:00:00.000Z');
    expect(fresh.seen.get('a')?.tags.has('a')).toBe(true);
    // The same Map, refilled: whatever held the fresh one sees the saved entries.
    expect(fresh.seen).toBe(seenBefore);
    // Its own callback, and its methods, go on from the saved count.
    expect(fresh.bump('c')).toBe(3);
    expect(fresh.seen.get('c')?.at.toISOString()).toBe('2027-03-01T00:00:00.000Z');
  });

  it('drops entries of a record the saved one did not have', () => {
    const fresh = { calls: { PutItem: 3, GetItem: 1 } as Record<string, number> };
    importState(fresh, exportState({ calls: { PutItem: 7 } }));
    expect(fresh.calls).toEqual({ PutItem: 7 });
  });

  it('in an upgrade, keeps a field a class gained since the save, and still drops entries of a record', () => {
    /** A fake as the next release has it: one field more. */
    class Grown extends Counter {
      limit = 5;
    }
    const saved = new Counter(() => 0);
    saved.bump('a');
    const state = exportState({ fake: saved, calls: { PutItem: 7 } });
    const fresh = { fake: new Grown(() => 0), calls: { PutItem: 3, GetItem: 1 } as Record<string, number> };
    importState(fresh, state, new Map(), { keepNewFields: true });
    expect([fresh.fake.count, fresh.fake.limit, fresh.calls]).toEqual([1, 5, { PutItem: 7 }]);

    const opened = { fake: new Grown(() => 0), calls: {} };
    importState(opened, state);
    expect(opened.fake.limit).toBeUndefined();
  });

  it('in an upgrade, keeps a field a plain structure named as such gained since the save', () => {
    const state = exportState({ stats: { attempts: 4 } });
    const fresh = { stats: { attempts: 0, byCaller: {} as Record<string, number> } };
    importState(fresh, state, new Map(), { keepNewFields: true, structures: new Set([fresh.stats]) });
    expect(fresh.stats).toEqual({ attempts: 4, byCaller: {} });

    const plain = { stats: { attempts: 0, byCaller: {} } };
    importState(plain, state, new Map(), { keepNewFields: true });
    expect(plain.stats).toEqual({ attempts: 4 });
  });

  it('writes an object reached twice once, and the fresh one is shared the same way', () => {
    const inner = { n: 1 };
    const saved = { a: inner, b: { held: inner } };
    const fresh = { a: { n: 0 }, b: { held: { n: 0 } } };
    importState(fresh, viaJson(exportState(saved)));
    expect(fresh.b.held).toBe(fresh.a);
    expect(fresh.a.n).toBe(1);
  });

  it('writes a shared object as its name and leaves the fresh one in its place', () => {
    const clock = { at: 5 };
    const freshClock = { at: 9 };
    const state = exportState({ clock, items: [1] }, new Map([[clock, 'clock']]));
    expect(JSON.stringify(state)).not.toContain('"at"');
    const fresh = { clock: freshClock, items: [] as number[] };
    importState(fresh, state, new Map([['clock', freshClock]]));
    expect(fresh.clock).toBe(freshClock);
    expect(fresh.items).toEqual([1]);
  });

  it('refuses what cannot be saved as data, naming where it is', () => {
    expect(() => exportState({ jobs: new Map([['j', Promise.resolve()]]) })).toThrow(UnsavableStateError);
    expect(() => exportState({ jobs: new Map([['j', Promise.resolve()]]) })).toThrow('$.jobs<0>: Promise');
  });
  it('shares an object reached twice deep in lists, maps and sets the same way in the fresh one', () => {
    const tag = { key: 'team' };
    const saved = {
      builds: new Map([['b1', { packages: [{ name: 'a' }, tag] }]]),
      later: { tags: new Set([tag]), again: [tag] },
    };
    const fresh = { builds: new Map(), later: { tags: new Set(), again: [] as unknown[] } };
    const state = viaJson(exportState(saved));
    expect(JSON.stringify(state)).toContain('"$ref":"$.builds<0>.packages[1]"');
    importState(fresh, state);
    const held = [...fresh.later.tags][0];
    expect(held).toEqual({ key: 'team' });
    expect(fresh.later.again[0]).toBe(held);
    expect((fresh.builds.get('b1') as { packages: unknown[] }).packages[1]).toBe(held);
  });

  it('refuses a saved state it cannot read, naming where in it', () => {
    const state = { $o: { builds: { $map: [['b1', { $o: { packages: [{ $o: {} }, { $what: 1 }] } }]] } } };
    expect(() => importState({}, state as never)).toThrow('$.builds<0>.packages[1]: unknown saved value');
    const dangling = { $o: { a: { $ref: '$.b' }, b: { $o: {} } } };
    expect(() => importState({}, dangling as never)).toThrow('$.a: refers to $.b, not read yet');
  });
});
