import { type Catalog, catalogShapeSchema } from '../core/config/schema.js';

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

/**
 * Parses a catalog file's default export. Structural validation only for now; the cross-field rules (lineage,
 * references) join once `core/config/catalog.ts` lands. Throws with one line per problem, each naming its field.
 */
export function parseCatalogInput(input: unknown): Catalog {
  const result = catalogShapeSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${issue.path.join('.') || '(catalog)'}: ${issue.message}`);
    throw new Error(`Invalid catalog:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** Loads `goldsmith.config.ts` from the project root, parses it and sets it as the stacks' catalog. */
export async function loadCatalog(): Promise<Catalog> {
  const module: { default: unknown } = await import('../goldsmith.config.js');
  const catalog = parseCatalogInput(module.default);
  setCatalog(catalog);
  return catalog;
}
