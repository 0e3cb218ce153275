import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CatalogParse, parseCatalog } from '../core/config/catalog.js';
import type { Catalog } from '../core/config/schema.js';
import { InvalidCatalogError } from '../core/errors.js';
import { componentFilesUnder } from '../stacks/catalog.js';

/** The catalog file used when none is given: `goldsmith.config.ts` in the current directory. */
export const DEFAULT_CATALOG_FILE = 'goldsmith.config.ts';

/** Component documents on disk; catalog paths are relative to the catalog file's folder. */
export const componentFilesIn = componentFilesUnder;

/**
 * Reads a catalog file (`.ts`/`.mts`/`.js`/`.mjs`: its default export; `.json`: the document) and validates it.
 * A file that cannot be read or evaluated is a problem at `catalog`, not an exception.
 */
export async function checkCatalogFile(path: string): Promise<CatalogParse> {
  const absolute = resolve(path);
  const extension = extname(absolute);
  let input: unknown;
  try {
    if (extension === '.json') {
      input = JSON.parse(await readFile(absolute, 'utf8'));
    } else if (['.ts', '.mts', '.js', '.mjs'].includes(extension)) {
      await readFile(absolute); // a clear "not found" before the module loader's longer message
      const module: { default?: unknown } = await import(pathToFileURL(absolute).href);
      if (module.default === undefined)
        return failure(`${basename(path)} has no default export (export default defineConfig({ … }))`);
      input = module.default;
    } else {
      return failure(`${basename(path)}: unsupported file type "${extension}" (use .ts or .json)`);
    }
  } catch (error) {
    return failure(`cannot load ${path}: ${describeLoadError(error)}`);
  }
  return parseCatalog(input, componentFilesIn(dirname(absolute)));
}

/**
 * Loads and validates a catalog file for the simulator, the stacks and other commands.
 * @throws InvalidCatalogError whose `problems` are `path: message` lines.
 */
export async function loadCatalogFile(path: string): Promise<Catalog> {
  const result = await checkCatalogFile(path);
  if (!result.ok) throw new InvalidCatalogError(result.problems);
  return result.catalog;
}

function failure(message: string): CatalogParse {
  return { ok: false, problems: [`catalog: ${message}`] };
}

function describeLoadError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'file not found';
    if (code === 'EISDIR') return 'is a directory';
    const lines = error.message
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    // The TypeScript loader (esbuild) heads its message "Transform failed with N error(s):" and puts each error,
    // as "file:line:column: ERROR: text", on the lines after it: those are what a person needs.
    if (/^Transform failed with \d+ errors?:?$/.test(lines[0] ?? '') && lines.length > 1) {
      return lines.slice(1).join('; ');
    }
    return (lines[0] ?? error.name).trim();
  }
  return String(error);
}
