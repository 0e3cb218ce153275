import { type Catalog, catalogShapeSchema } from '../../core/config/schema.js';
import { InvalidCatalogError } from '../../core/errors.js';

/**
 * The catalog a function was built with. The stacks inline the validated catalog at bundle time (esbuild `define`
 * of `process.env.GOLDSMITH_CATALOG`), so it is as big as it needs to be (Lambda environment variables stop at
 * 4 KB) and always matches the deployed pipelines; tests and the local cloud set the variable instead.
 * Parsed once per cold start.
 */
let cached: { source: string; catalog: Catalog } | undefined;

export function bundledCatalog(): Catalog {
  const source = process.env.GOLDSMITH_CATALOG;
  if (!source) throw new InvalidCatalogError(['GOLDSMITH_CATALOG: not set; the stack bundles the catalog here']);
  if (cached?.source === source) return cached.catalog;
  const result = catalogShapeSchema.safeParse(JSON.parse(source));
  if (!result.success) {
    throw new InvalidCatalogError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  cached = { source, catalog: result.data };
  return result.data;
}

/** The Image Builder pipeline ARN of an image: env `PIPELINE_ARN_PREFIX` (set by the stack) plus the image name. */
export function pipelineArnOf(image: string): string {
  const prefix = process.env.PIPELINE_ARN_PREFIX;
  if (!prefix) throw new Error('PIPELINE_ARN_PREFIX is not set');
  return `${prefix}${image}`;
}
