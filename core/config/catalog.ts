import { catalogErrorMap, issuesToProblems } from './problems.js';
import { type ComponentFiles, catalogRules } from './rules/index.js';
import { type Catalog, catalogShapeSchema } from './schema.js';

export type { ComponentFiles } from './rules/index.js';

export type CatalogParse = { ok: true; catalog: Catalog } | { ok: false; problems: string[] };

/**
 * Validates a catalog: the shape schema plus every cross-field rule in one zod pipeline, so one pass reports all
 * problems, each as `field.path: what is wrong`. Cross-field rules run whenever the structure's types are right,
 * even if some values failed their own checks; a value of the wrong type stops them (zod aborts), so fixing
 * those first can reveal more. Component files are read through `files`, so this stays pure.
 */
export function parseCatalog(input: unknown, files: ComponentFiles): CatalogParse {
  const schema = catalogShapeSchema.superRefine((catalog, ctx) => {
    for (const rule of catalogRules) {
      rule(catalog, (path, message) => ctx.addIssue({ code: 'custom', path: [...path], message }), files);
    }
  });
  const result = schema.safeParse(input, { error: catalogErrorMap });
  if (result.success) return { ok: true, catalog: result.data };
  const problems = [...new Set(issuesToProblems(result.error.issues))];
  return { ok: false, problems };
}
