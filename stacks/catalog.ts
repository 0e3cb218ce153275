import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ComponentFiles, parseCatalog } from '../core/config/catalog.js';
import type { Catalog } from '../core/config/schema.js';
import { functionEsbuildOptions } from './bundling.js';

/**
 * How stacks get the catalog. sst.config.ts loads and sets it once before defining stacks; stack tests set any
 * catalog they like. Module state, because SST v2 stack functions only receive `{ app, stack }`.
 */

export interface CatalogContext {
  catalog: Catalog;
  /** Directory that catalog paths (`components/...`) are relative to. */
  root: string;
}

let current: CatalogContext | undefined;

/** Makes `catalog` the one every stack defined from now on is built from. */
export function setCatalog(catalog: Catalog, options: { root?: string } = {}): void {
  current = { catalog, root: options.root ?? process.cwd() };
}

/** The catalog set by `setCatalog`; throws if none was set, so a stack never builds from an empty catalog. */
export function useCatalog(): Catalog {
  return useCatalogContext().catalog;
}

/** The catalog and the directory its file paths are relative to. */
export function useCatalogContext(): CatalogContext {
  if (!current) {
    throw new Error(
      'No catalog: call setCatalog(catalog) (sst.config.ts does, via loadCatalog) before defining stacks',
    );
  }
  return current;
}

/** Component documents read from disk under `root`; a missing file reads as `undefined` for the rules to report. */
export function componentFilesUnder(root: string): ComponentFiles {
  return {
    read(path) {
      try {
        return readFileSync(resolve(root, path), 'utf8');
      } catch {
        return undefined;
      }
    },
    where: (path) => resolve(root, path),
  };
}

/**
 * Validates a catalog file's default export with every catalog rule (shape, lineage, references, component
 * files under `root`). Throws with one line per problem, each starting with its field path.
 */
export function parseCatalogInput(input: unknown, root: string = process.cwd()): Catalog {
  const result = parseCatalog(input, componentFilesUnder(root));
  if (!result.ok) throw new Error(`Invalid catalog:\n${result.problems.join('\n')}`);
  return result.catalog;
}

/**
 * Loads `goldsmith.config.ts` from the project root, parses it and sets it as the stacks' catalog. Component paths
 * resolve from `root`, the app's root as SST found it (sst.config.ts), not the current directory: `sst deploy` run
 * from a subfolder finds the same files.
 */
export async function loadCatalog(root: string): Promise<Catalog> {
  const module: { default: unknown } = await import('../goldsmith.config.js');
  const catalog = parseCatalogInput(module.default, root);
  setCatalog(catalog, { root });
  return catalog;
}

/**
 * Bundling for a function that reads the catalog: the validated catalog is inlined at bundle time (esbuild `define`
 * of `process.env.GOLDSMITH_CATALOG`, read by `functions/lib/catalog.ts`), because Lambda's 4 KB of environment
 * cannot hold a real one. SST merges `nodejs` shallowly, so the app's defaults from sst.config.ts are repeated.
 */
export function catalogBundling(catalog: Catalog) {
  return {
    format: 'esm' as const,
    minify: true,
    esbuild: {
      ...functionEsbuildOptions(),
      define: { 'process.env.GOLDSMITH_CATALOG': JSON.stringify(JSON.stringify(catalog)) },
    },
  };
}
