import { EventEmitter } from 'node:events';
import type { PlainState } from './state-form.js';
import { type Place, pathOf, placesOf } from './state-place.js';

/**
 * A stateful object's data as plain JSON, and back into a fresh object of the same kind: the own data properties of
 * a fake (its Maps, Sets, Dates, arrays, plain records and the class instances it owns), walked generically, so a fake
 * that grows a field is saved with it without anyone writing a line for it. Wiring is not data and is not written:
 * functions and lists of them (a clock's `now`, event listeners), weak collections (caches of what their keys hold:
 * they cannot be listed) and event emitters (a server's socket) stay as the fresh object was built with them. An
 * object named in `shared` (the clock) is the same object in the fresh cloud and is written as its name only; an
 * object reached twice (a fake another holds) is written once and referred to by its path after.
 *
 * What cannot be written as JSON (a promise, a WeakMap, a typed array) is refused with the path that reached it,
 * rather than saved as something else.
 */

export type { PlainState } from './state-form.js';

/** Objects that belong to the cloud rather than to the walked object, by a name the fresh cloud resolves. */
export type SharedObjects = ReadonlyMap<object, string>;

/** An object filled field by field: a plain record or a class instance, not a list, map, set or date. */
const isRecord = (value: unknown): value is object =>
  value !== null &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  !(value instanceof Map) &&
  !(value instanceof Set) &&
  !(value instanceof Date);

/** Thrown for a value the walker cannot write as data; names the path to it. */
export class UnsavableStateError extends Error {
  constructor(path: string, what: string) {
    super(`${path}: ${what} cannot be saved as data`);
    this.name = 'UnsavableStateError';
  }
}

/** A field the fresh object keeps as it was built: how it is wired, not what it holds. */
function isWiring(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (value === null || typeof value !== 'object') return false;
  if (value instanceof WeakMap || value instanceof WeakSet || value instanceof EventEmitter) return true;
  return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'function');
}

/** The own data properties of `value` as plain JSON-compatible state. */
export function exportState(value: unknown, shared: SharedObjects = new Map(), path = '$'): PlainState {
  const seen = new Map<object, string>();
  const walk = (v: unknown, at: string): PlainState => {
    if (v === undefined) return { $u: 1 };
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') {
      if (Number.isFinite(v)) return v;
      return { $nan: String(v) as 'NaN' | 'Infinity' | '-Infinity' };
    }
    if (typeof v === 'bigint') return { $big: v.toString() };
    if (typeof v === 'function' || typeof v === 'symbol') throw new UnsavableStateError(at, typeof v);
    const object = v as object;
    const name = shared.get(object);
    if (name !== undefined && at !== path) return { $shared: name };
    const earlier = seen.get(object);
    if (earlier !== undefined) return { $ref: earlier };
    seen.set(object, at);
    if (Array.isArray(object)) return object.map((item, i) => walk(item, `${at}[${i}]`));
    if (object instanceof Date) return { $date: Number.isNaN(object.getTime()) ? 'invalid' : object.toISOString() };
    if (object instanceof Map)
      return { $map: [...object].map(([k, item], i) => [walk(k, `${at}<key ${i}>`), walk(item, `${at}<${i}>`)]) };
    if (object instanceof Set) return { $set: [...object].map((item, i) => walk(item, `${at}{${i}}`)) };
    if (object instanceof Promise || isWiring(object) || ArrayBuffer.isView(v))
      throw new UnsavableStateError(at, (object as { constructor: { name: string } }).constructor.name);
    const fields: Record<string, PlainState> = {};
    for (const key of Object.keys(object)) {
      const field = (object as Record<string, unknown>)[key];
      if (isWiring(field)) continue;
      fields[key] = walk(field, `${at}.${key}`);
    }
    return { $o: fields };
  };
  return walk(value, path);
}

const tagOf = (state: PlainState): string | undefined =>
  state !== null && typeof state === 'object' && !Array.isArray(state) ? Object.keys(state)[0] : undefined;

/**
 * Writes `state` (from `exportState`) into `target`, an object of the same kind built fresh: its own data properties
 * take the saved values; a field holding a class instance in both is filled in place (keeping its class and its
 * callbacks); shared objects are looked up by name in `shared`. With `keepNewFields` (a state another release's
 * code wrote: an upgrade), a class instance keeps the fields the saved one did not have, as its constructor set them,
 * and so does each of `structures`: plain objects whose fields are a shape the code fixes, not entries of a record.
 */
export function importState(
  target: object,
  state: PlainState,
  shared: ReadonlyMap<string, object> = new Map(),
  {
    keepNewFields = false,
    structures = new Set<object>(),
  }: { keepNewFields?: boolean; structures?: ReadonlySet<object> } = {},
): void {
  // Only the places a `$ref` leads through are kept by path (state-place.ts).
  const places = placesOf(state, '$');
  const byPath = new Map<string, unknown>();
  const keep = (at: Place, value: unknown): void => {
    if (at.live && !byPath.has(at.text as string)) byPath.set(at.text as string, value);
  };
  const fill = (into: object, s: PlainState, at: Place): void => {
    keep(at, into);
    if (tagOf(s) !== '$o') throw new Error(`${pathOf(at)}: saved state is not an object's`);
    const fields = (s as { $o: Record<string, PlainState> }).$o;
    const record = into as Record<string, unknown>;
    for (const [key, saved] of Object.entries(fields)) {
      const current = record[key];
      const place = places.under(at, key, 0);
      if (tagOf(saved) === '$o' && isRecord(current)) fill(current, saved, place);
      else record[key] = build(saved, place, current);
    }
    // What the fresh object holds and the saved one did not (an entry of a record, a field set later) goes; in an
    // upgrade, a field a class has in this release and did not have in the one that saved it stays.
    const keepsNew = keepNewFields && (Object.getPrototypeOf(into) !== Object.prototype || structures.has(into));
    for (const key of Object.keys(record))
      if (!(key in fields) && !isWiring(record[key]) && !keepsNew) delete record[key];
  };
  const build = (s: PlainState, at: Place, current?: unknown): unknown => {
    const value = built(s, at, current);
    if (value !== null && typeof value === 'object') keep(at, value);
    return value;
  };
  const built = (s: PlainState, at: Place, current?: unknown): unknown => {
    if (s === null || typeof s !== 'object') return s;
    if (Array.isArray(s)) {
      // Lists, maps and sets are refilled in place: whatever closure holds the fresh one sees the saved entries.
      const list: unknown[] = Array.isArray(current) ? current : [];
      list.length = 0;
      keep(at, list);
      s.forEach((item, i) => {
        list.push(build(item, places.under(at, i, 1)));
      });
      return list;
    }
    const tag = tagOf(s);
    switch (tag) {
      case '$u':
        return undefined;
      case '$nan':
        return Number((s as { $nan: string }).$nan);
      case '$big':
        return BigInt((s as { $big: string }).$big);
      case '$date':
        return new Date((s as { $date: string }).$date === 'invalid' ? Number.NaN : (s as { $date: string }).$date);
      case '$shared': {
        const name = (s as { $shared: string }).$shared;
        const object = shared.get(name);
        if (!object) throw new Error(`${pathOf(at)}: no shared object "${name}" in this cloud`);
        return object;
      }
      case '$ref': {
        const ref = (s as { $ref: string }).$ref;
        if (!byPath.has(ref)) throw new Error(`${pathOf(at)}: refers to ${ref}, not read yet`);
        return byPath.get(ref);
      }
      case '$map': {
        const map = current instanceof Map ? current : new Map<unknown, unknown>();
        map.clear();
        keep(at, map);
        (s as { $map: [PlainState, PlainState][] }).$map.forEach(([k, v], i) => {
          map.set(build(k, places.under(at, i, 2)), build(v, places.under(at, i, 3)));
        });
        return map;
      }
      case '$set': {
        const set = current instanceof Set ? current : new Set<unknown>();
        set.clear();
        keep(at, set);
        (s as { $set: PlainState[] }).$set.forEach((v, i) => {
          set.add(build(v, places.under(at, i, 4)));
        });
        return set;
      }
      case '$o': {
        // An object the fresh one does not hold there yet is made a plain record: the walker names no classes, so a
        // class instance that comes and goes with the state (not made when its owner is) would lose its methods;
        // the round-trip test of every fake (test/unit/snapshot) finds one.
        const into = isRecord(current) ? current : {};
        fill(into, s, at);
        return into;
      }
      default:
        throw new Error(`${pathOf(at)}: unknown saved value ${JSON.stringify(s).slice(0, 80)}`);
    }
  };
  fill(target, state, places.root);
}
