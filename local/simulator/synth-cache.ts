import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../../core/config/schema.js';
import type { CfnTemplate } from './intrinsics.js';
import type { StackFunction, SynthesizedApp } from './synth.js';
import { CODE_ROOT, synthCacheKey } from './synth-key.js';

/**
 * A content-addressed cache of the synthesized app for the local cloud. Synthesis needs aws-cdk-lib, SST and the
 * stacks (about 3 s to import here) and about 1 s to run; on a hit none of them is loaded: the templates and the
 * handler map come from one JSON file whose name is a hash of everything the synthesis reads (synth-key.ts).
 */

/** A stack list that is only imported when the app has to be synthesized. */
export interface StackSet {
  /** Names the list in the cache key; the code of the stacks it loads is hashed with their sources. */
  id: string;
  load(): Promise<readonly StackFunction[]>;
  /**
   * The set is GOLDSMITH_STACKS (or the named ones of them): on a miss it is synthesized in the synthesis worker
   * thread (synth-worker.mjs), so aws-cdk-lib, SST and the construct tree are released once the templates are read
   * instead of staying loaded for the rest of the process (SST's stack cache keeps every app it made).
   */
  worker?: { stacks?: readonly string[] };
}

/** Goldsmith's stacks (stacks/app.ts), loaded on a cache miss. */
export const GOLDSMITH_STACK_SET: StackSet = {
  id: 'stacks/app.ts#GOLDSMITH_STACKS',
  load: async () => (await import('../../stacks/app.js')).GOLDSMITH_STACKS,
  worker: {},
};

export interface SynthOptions {
  root: string;
  stage?: string;
  region?: string;
  accountId?: string;
}

export interface SynthCacheOptions {
  /** Default: node_modules/.cache/goldsmith/synth in the repository (`npm ci` wipes it). */
  dir?: string;
  /** Default: on, unless GOLDSMITH_SYNTH_CACHE=off. */
  enabled?: boolean;
  /** Entries kept, newest used first; older ones are removed after a write. */
  maxEntries?: number;
}

export const DEFAULT_SYNTH_CACHE_DIR = join(CODE_ROOT, 'node_modules', '.cache', 'goldsmith', 'synth');
/**
 * Room for every catalog a full `npm test` synthesizes (about 47 distinct keys, each entry about 0.3 MB): with fewer,
 * the least recently used entry goes before its next use and a run that goes through the files in the same order
 * misses every time (24 entries did: a second run synthesized as much as the first).
 */
const DEFAULT_MAX_ENTRIES = 128;
/** A temporary file older than this was left by a process that died mid-write. */
const STALE_TEMP_MS = 10 * 60_000;
const ENTRY_FORMAT = 1;

/** What this process did with the cache (tests read it). */
export const synthCacheStats = { hits: 0, misses: 0, writes: 0, unreadable: 0, uncacheable: 0 };

interface CacheEntry {
  format: number;
  key: string;
  templates: CfnTemplate[];
  handlers: [string, string][];
}

/**
 * The synthesized app for `catalog` and `stacks`: read from the cache when an entry with the same key exists,
 * otherwise synthesized (importing the CDK, SST and the stacks only then) and written to the cache.
 */
export async function synthesizeAppCached(
  catalog: Catalog,
  stacks: StackSet | readonly StackFunction[],
  options: SynthOptions,
  cache: SynthCacheOptions = {},
): Promise<SynthesizedApp> {
  const enabled = cache.enabled ?? process.env.GOLDSMITH_SYNTH_CACHE !== 'off';
  const dir = cache.dir ?? DEFAULT_SYNTH_CACHE_DIR;
  const key = enabled
    ? synthCacheKey({
        catalog,
        stacks: isStackSet(stacks) ? [stacks.id] : stacks.map((fn) => fn.name),
        root: options.root,
        stage: options.stage ?? 'local',
        region: options.region ?? catalog.organization.homeRegion,
        accountId: options.accountId ?? '123456789012',
      })
    : undefined;
  if (enabled && key === undefined) synthCacheStats.uncacheable++;
  const file = key === undefined ? undefined : join(dir, `${key}.json`);
  if (file && key) {
    const hit = readEntry(file, key);
    if (hit) {
      synthCacheStats.hits++;
      return hit;
    }
    synthCacheStats.misses++;
  }
  const app = await synthesizeMiss(catalog, stacks, options);
  if (file && key) writeEntry(dir, file, key, app, cache.maxEntries ?? DEFAULT_MAX_ENTRIES);
  return app;
}

async function synthesizeMiss(
  catalog: Catalog,
  stacks: StackSet | readonly StackFunction[],
  options: SynthOptions,
): Promise<SynthesizedApp> {
  if (isStackSet(stacks) && stacks.worker) {
    const { synthesizeInWorker } = await import('./synth-worker-client.js');
    return synthesizeInWorker(catalog, options, stacks.worker.stacks);
  }
  const [{ synthesizeApp }, stackFunctions] = await Promise.all([
    import('./synth.js'),
    isStackSet(stacks) ? stacks.load() : stacks,
  ]);
  return synthesizeApp(catalog, stackFunctions, options);
}

function isStackSet(stacks: StackSet | readonly StackFunction[]): stacks is StackSet {
  return !Array.isArray(stacks);
}

/** The entry at `file` if it is there and well formed; a missing, partial or foreign file reads as a miss. */
function readEntry(file: string, key: string): SynthesizedApp | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const entry = JSON.parse(text) as Partial<CacheEntry>;
    if (
      entry.format !== ENTRY_FORMAT ||
      entry.key !== key ||
      !Array.isArray(entry.templates) ||
      !entry.templates.every((t) => t !== null && typeof t === 'object' && !Array.isArray(t)) ||
      !Array.isArray(entry.handlers) ||
      !entry.handlers.every((h) => Array.isArray(h) && h.length === 2 && h.every((s) => typeof s === 'string'))
    ) {
      throw new Error('not a synthesis cache entry');
    }
    touch(file);
    return { templates: entry.templates, handlers: new Map(entry.handlers) };
  } catch {
    synthCacheStats.unreadable++;
    return undefined;
  }
}

/**
 * Writes the entry atomically (a temporary file renamed over the name: test workers run in parallel, and a reader
 * sees the old file, the new one, or none), then keeps the `maxEntries` most recently used. A cache that cannot be
 * written only costs the next run a synthesis.
 */
function writeEntry(dir: string, file: string, key: string, app: SynthesizedApp, maxEntries: number): void {
  const entry: CacheEntry = { format: ENTRY_FORMAT, key, templates: app.templates, handlers: [...app.handlers] };
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temp, JSON.stringify(entry));
    renameSync(temp, file);
    synthCacheStats.writes++;
    prune(dir, maxEntries);
  } catch {
    rmSync(temp, { force: true });
  }
}

function prune(dir: string, maxEntries: number): void {
  const now = wallClock();
  const entries: { path: string; mtime: number }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const mtime = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
    if (mtime === undefined) continue;
    if (name.endsWith('.tmp')) {
      if (now - mtime > STALE_TEMP_MS) rmSync(path, { force: true });
    } else if (name.endsWith('.json')) {
      entries.push({ path, mtime });
    }
  }
  entries.sort((a, b) => b.mtime - a.mtime);
  for (const { path } of entries.slice(maxEntries)) rmSync(path, { force: true });
}

/** Marks an entry as just used, so pruning keeps the entries in use. */
function touch(file: string): void {
  try {
    const seconds = wallClock() / 1000;
    utimesSync(file, seconds, seconds);
  } catch {
    // Removed by another process's pruning in between: the entry was read already.
  }
}

/**
 * The real time in ms: the local cloud synthesizes with `Date` already on the virtual clock (virtual-date.ts), and
 * file times must stay real for pruning to keep the right entries.
 */
function wallClock(): number {
  return performance.timeOrigin + performance.now();
}
