import { createRequire } from 'node:module';

/**
 * dynalite's store (its memory-level database), how the local cloud has it stored and what it repairs in it. Both
 * ways of running dynalite go through the same store and the same actions — over HTTP (local/dynalite.ts, some
 * tests) and in process (local/dynalite-in-process.ts, the simulator) — so both set it up the same way.
 */

interface LevelIterator {
  close(): Promise<void>;
  return?: () => Promise<void>;
  /** Reads what is left (abstract-level 3), then closes. */
  all(): Promise<unknown[]>;
}
/** The part of dynalite's store (dynalite/db `create`) the local cloud touches. */
export interface Store {
  db: {
    close(callback: (error?: Error) => void): void;
    keys(options?: unknown): LevelIterator;
    values(options?: unknown): LevelIterator;
    iterator(options?: unknown): LevelIterator;
    batch(operations: { type: 'put'; key: string; value: string }[]): Promise<void>;
    clear(): Promise<void>;
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

interface MemoryLevelModule {
  MemoryLevel: new (options?: Record<string, unknown>) => object;
  [STRING_STORE]?: true;
}
const STRING_STORE = Symbol.for('goldsmith.memory-level.utf8');

/**
 * Makes the memory-level stores dynalite creates keep keys and values as strings (`storeEncoding: 'utf8'`) instead
 * of Buffers. Must run before dynalite's `db` module first loads, which takes `MemoryLevel` from memory-level as
 * dynalite resolves it (its dependency, not ours). Every item, index and table key dynalite writes is ASCII (hex of
 * string and binary key values, its sortable encoding of numbers, table and index names: `createKey` in
 * dynalite/db), so comparing the strings orders them exactly as comparing their bytes did, which is how DynamoDB
 * orders keys. (Resource tags are stored under their raw tag keys: only ListTagsOfResource's order could differ,
 * for tag keys beyond ASCII, and the local cloud lists no table's tags.) A read then parses the stored
 * JSON text without first decoding it out of a Buffer, and a write skips encoding into one; and no stored value is
 * a slice of Node's shared Buffer pool any more.
 */
export function storeStringsInMemoryLevel(require: NodeJS.Require): void {
  const fromDynalite = createRequire(require.resolve('dynalite'));
  const module = fromDynalite('memory-level') as MemoryLevelModule;
  if (module[STRING_STORE]) return;
  const Base = module.MemoryLevel;
  module.MemoryLevel = class extends Base {
    constructor(options?: Record<string, unknown>) {
      super({ storeEncoding: 'utf8', ...options });
    }
  };
  module[STRING_STORE] = true;
}

/**
 * Repairs a store dynalite has just created, before it answers anything. (Its keys and values are strings when
 * `storeStringsInMemoryLevel` ran first, as both ways of starting dynalite make sure; as Buffers they were slices of
 * Node's 8 KB pool, each holding its whole pool alive: 5.5 MB a benchmark month for under 1 MB of items.)
 */
export function repairStore(store: Store): void {
  // memory-level's manifest names the one encoding it stores: a store made before the switch would still take
  // Buffers (slower, and each pinning a slice of Node's pool), so it is refused rather than used quietly.
  const encodings = (store.db as { supports?: { encodings?: Record<string, boolean> } }).supports?.encodings;
  if (!encodings?.utf8 || encodings.buffer) {
    throw new Error('dynalite store keeps Buffers: storeStringsInMemoryLevel must run before dynalite/db loads');
  }
  closeIteratorsWithTheirStreams(store);
}

type TableCallback = (error: Error | null, table?: { TableStatus?: string }) => void;
interface TableDb {
  put(key: string, value: unknown, ...rest: unknown[]): unknown;
  del(key: string, ...rest: unknown[]): unknown;
}
interface TableStore {
  getTable(name: string, checkStatus: boolean | TableCallback, cb?: TableCallback): void;
  tableDb: TableDb;
}

/**
 * Keeps each ACTIVE table's definition once read, for the store's item calls. dynalite reads and parses the table's
 * definition from its store on every request (`getTable` in dynalite/db: a `get` and a JSON parse of a few KB with
 * the indexes); the item actions only read it (only CreateTable, UpdateTable and DeleteTable change it, each through
 * the table store's `put` or `del`, which forget the name). A definition not ACTIVE is never kept: a table being
 * created or updated is read as dynalite reads it until it is ACTIVE again. Returns what forgets every kept
 * definition (for a store whose entries were replaced past the table store).
 */
export function rememberActiveTables(store: Store): () => void {
  const s = store as unknown as TableStore;
  const read = s.getTable.bind(s);
  const active = new Map<string, { TableStatus?: string }>();
  const tableDb = s.tableDb;
  const put = tableDb.put.bind(tableDb);
  const del = tableDb.del.bind(tableDb);
  tableDb.put = (key, ...rest) => {
    active.delete(key);
    return put(key, ...rest);
  };
  tableDb.del = (key, ...rest) => {
    active.delete(key);
    return del(key, ...rest);
  };
  s.getTable = (name, checkStatus, cb) => {
    const callback = (typeof checkStatus === 'function' ? checkStatus : cb) as TableCallback;
    const known = active.get(name);
    if (known) {
      // Answered a tick later, as the store's own read answers.
      queueMicrotask(() => callback(null, known));
      return;
    }
    const keep: TableCallback = (error, table) => {
      if (!error && table?.TableStatus === 'ACTIVE') active.set(name, table);
      callback(error, table);
    };
    // Called as dynalite's actions call it: (name, cb) checks the status as (name, true, cb) does.
    if (typeof checkStatus === 'function') read(name, keep, undefined);
    else read(name, checkStatus, keep);
  };
  return () => active.clear();
}
