import type { CatalogInput } from './schema.js';

/** Types a catalog file; validation happens when it is loaded (`loadCatalog`), so every problem is reported at once. */
export function defineConfig(catalog: CatalogInput): CatalogInput {
  return catalog;
}
