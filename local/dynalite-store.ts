/**
 * dynalite's store (its memory-level database), and what the local cloud repairs in it. Both ways of running dynalite
 * go through the same store and the same actions — over HTTP (local/dynalite.ts, some tests) and in process
 * (local/dynalite-in-process.ts, the simulator) — so both repair it the same way.
 */

interface LevelIterator {
  close(): Promise<void>;
  return?: () => Promise<void>;
}
interface StoreOperation {
  type: 'put' | 'del';
  key: unknown;
  value?: unknown;
}
/** The part of dynalite's store (dynalite/db `create`) the local cloud touches. */
export interface Store {
  db: {
    close(callback: (error?: Error) => void): void;
    keys(options?: unknown): LevelIterator;
    values(options?: unknown): LevelIterator;
    // memory-level's own writes, given keys and values already encoded for its tree (Buffers).
    _put(key: unknown, value: unknown, options: unknown): Promise<void>;
    _batch(operations: StoreOperation[], options: unknown): Promise<void>;
  };
}

/**
 * dynalite (4.0) turns abstract-level iterators into streams whose destroy() calls `iterator.return()`, a method
 * abstract-level 3's iterators do not have (they have `close()`): every Query, Scan and ListTables then left its
 * iterator open in memory-level's set of open resources, and with it the snapshot of the store's tree it read, for
 * the life of the store (16,758 iterators, 58 MB after one simulated month of the benchmark). Giving each iterator
 * a `return` that closes it releases them when their stream ends; what the store holds and answers is unchanged.
 */
function closeIteratorsWithTheirStreams(store: Store): void {
  const db = store.db;
  for (const method of ['keys', 'values'] as const) {
    const open = db[method].bind(db);
    db[method] = (options?: unknown) => {
      const iterator = open(options);
      iterator.return ??= () => iterator.close();
      return iterator;
    };
  }
}

/** `data` in a Buffer of its own when it is a slice of a larger one (Node's 8 KB pool for small Buffers). */
function exact(data: unknown): unknown {
  if (!(data instanceof Uint8Array) || data.byteLength === data.buffer.byteLength) return data;
  return Buffer.from(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

/**
 * memory-level keeps each key and value as the Buffer its encoder made, and Node makes small Buffers as slices of a
 * shared 8 KB pool: one stored slice keeps its whole pool alive. The ledger's few hundred bytes per item then held
 * about 8 KB each (5.5 MB a benchmark month, against under 1 MB of items). Copying each written key and value into
 * a Buffer of its exact size stores the same bytes, in the same order.
 */
function storeInExactBuffers(store: Store): void {
  const db = store.db;
  const put = db._put.bind(db);
  const batch = db._batch.bind(db);
  db._put = (key, value, options) => put(exact(key), exact(value), options);
  db._batch = (operations, options) =>
    batch(
      operations.map((op) => (op.type === 'put' ? { ...op, key: exact(op.key), value: exact(op.value) } : op)),
      options,
    );
}

/** Applies both repairs to a store dynalite has just created, before it answers anything. */
export function repairStore(store: Store): void {
  closeIteratorsWithTheirStreams(store);
  storeInExactBuffers(store);
}
