import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Catalog } from '../../core/config/schema.js';

/** The repository: where the stacks, their sources and node_modules live (not the catalog's root). */
export const CODE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Bumped when the cache entry's format or the way the key is made changes. */
const KEY_FORMAT = 'goldsmith-synth-cache/2';

/**
 * Everything the stacks' code can read, relative to the repository: the stacks and what they import (core, events),
 * the handlers they point at, the member accounts' function (member/, compiled into the member baseline's template),
 * the app config, this synthesis code itself, and the installed dependency tree.
 */
export const SOURCE_DIRS = ['stacks', 'core', 'events', 'functions', 'components', 'member'];
export const SOURCE_FILES = [
  'sst.config.ts',
  'goldsmith.config.ts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'local/simulator/synth.ts',
  'local/simulator/synth-release.ts',
  'local/simulator/sst-asset-hash.ts',
  'local/simulator/synth-key.ts',
  'local/simulator/synth-cache.ts',
];
/** Whose installed version (their own package.json) goes into the key, whatever the lock file says. */
const SYNTH_PACKAGES = ['sst', 'aws-cdk-lib', 'constructs'];
/**
 * Environment that can change what SST and the CDK synthesize (NODE_ENV=test drops bootstrap-dependent
 * resources); SST_STAGE and JSII_DEPRECATED are left out because SST sets them itself during the first synthesis.
 */
const ENV_KEYS = /^(NODE_ENV|SST_.+|CDK_.+|AWS_REGION|AWS_DEFAULT_REGION|AWS_PROFILE)$/;
const ENV_SET_BY_SST = new Set(['SST_STAGE', 'JSII_DEPRECATED']);

export interface SynthKeyInput {
  catalog: Catalog;
  /** What names the stack list: the stack functions' names, or a list's id. */
  stacks: readonly string[];
  root: string;
  stage: string;
  region: string;
  accountId: string;
  /** The repository whose sources are hashed; default CODE_ROOT (tests point it at a copy). */
  codeRoot?: string;
}

/**
 * The cache key of one synthesis: a SHA-256 over the catalog, the options, the stack names, the content of every
 * source file the stacks can read, the component files the catalog names, the installed CDK/SST versions, Node's
 * version and the environment SST reads. Returns undefined when the catalog holds a value that cannot be
 * serialized faithfully (then nothing is cached: a key blind to part of the input could hit stale).
 *
 * The catalog's root goes in by what the synthesis reads under it, not by its path: the stacks read the component
 * files the catalog names, each by its path relative to the root (stacks/factory/components.ts), so those files are
 * hashed by that relative path and their content. The same catalog written to another folder holding the same files
 * (a temporary folder a test or a user writes `catalog.json` to) synthesizes the same app and hits the same entry.
 */
export function synthCacheKey(input: SynthKeyInput): string | undefined {
  const hash = createHash('sha256');
  // Each field is its name and its length before its bytes, so no two different inputs hash the same text.
  const field = (name: string, value: string | Buffer | undefined) => {
    if (value === undefined) {
      hash.update(`${name}\0missing\0`);
      return;
    }
    hash.update(`${name}\0${typeof value === 'string' ? Buffer.byteLength(value) : value.length}\0`);
    hash.update(value);
  };
  let catalog: string;
  try {
    catalog = canonical(input.catalog);
  } catch {
    return undefined;
  }
  const root = resolve(input.root);
  const codeRoot = resolve(input.codeRoot ?? CODE_ROOT);
  field('format', KEY_FORMAT);
  field('catalog', catalog);
  field('options', JSON.stringify([input.stage, input.region, input.accountId, process.cwd()]));
  field('stacks', JSON.stringify(input.stacks));
  field('node', process.version);
  const env = Object.keys(process.env)
    .filter((k) => ENV_KEYS.test(k) && !ENV_SET_BY_SST.has(k))
    .sort()
    .map((k) => [k, process.env[k]]);
  field('env', JSON.stringify(env));
  for (const name of SYNTH_PACKAGES) {
    field(`package:${name}`, readOrMissing(join(codeRoot, 'node_modules', name, 'package.json')));
  }
  const files = new Set<string>();
  for (const dir of SOURCE_DIRS) listFiles(join(codeRoot, dir), files);
  for (const file of SOURCE_FILES) files.add(join(codeRoot, file));
  // SST loads .env files from the project root into process.env before synthesizing.
  for (const name of readdirSync(codeRoot)) if (name.startsWith('.env')) files.add(join(codeRoot, name));
  for (const path of [...files].sort()) {
    field(`file:${path.startsWith(codeRoot) ? relative(codeRoot, path) : path}`, readOrMissing(path));
  }
  // The catalog's own files, by their path relative to its root: everything under its components/, and any catalog
  // string naming a file.
  const catalogFiles = new Set<string>();
  listFiles(join(root, 'components'), catalogFiles);
  for (const value of stringsOf(input.catalog)) {
    const path = fileAt(root, value);
    if (path) catalogFiles.add(path);
  }
  for (const path of [...catalogFiles].sort()) field(`catalog-file:${relative(root, path)}`, readOrMissing(path));
  return hash.digest('hex');
}

/**
 * A canonical text of plain data: object keys sorted, Maps, Sets, Dates and bigints spelled out, undefined kept
 * distinct from a missing key. Throws on anything else (functions, symbols, class instances), which the key cannot
 * see into.
 */
export function canonical(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : `number:${String(value)}`;
    case 'bigint':
      return `bigint:${value}`;
    case 'undefined':
      return 'undefined';
    case 'object':
      break;
    default:
      throw new Error(`cannot key a ${typeof value}`);
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Map) {
    return `Map{${[...value].map(([k, v]) => `${canonical(k)}=>${canonical(v)}`).join(',')}}`;
  }
  if (value instanceof Set) return `Set{${[...value].map(canonical).join(',')}}`;
  if (value instanceof Date) return `Date:${value.toISOString()}`;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new Error('cannot key a class instance');
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`)
    .join(',')}}`;
}

function* stringsOf(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value) || value instanceof Set) for (const v of value) yield* stringsOf(v);
  else if (value instanceof Map) for (const [k, v] of value) yield* [...stringsOf(k), ...stringsOf(v)];
  else if (value && typeof value === 'object') for (const v of Object.values(value)) yield* stringsOf(v);
}

function fileAt(root: string, value: string): string | undefined {
  if (value.length === 0 || value.length > 1024 || value.includes('\0')) return undefined;
  const path = resolve(root, value);
  return statSync(path, { throwIfNoEntry: false })?.isFile() ? path : undefined;
}

function listFiles(dir: string, into: Set<string>): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() || (entry.isSymbolicLink() && statSync(path, { throwIfNoEntry: false })?.isFile())) {
      into.add(path);
    }
  }
}

function readOrMissing(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
