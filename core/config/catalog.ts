import type * as z from 'zod';
import { imageTraits } from './image-traits.js';
import { catalogErrorMap, issuesToProblems, problem } from './problems.js';
import {
  type ComponentFiles,
  catalogRules,
  catalogWarningRules,
  pathSound,
  readsOnlySound,
  sectionsThere,
} from './rules/index.js';
import { type Catalog, catalogShapeSchema, type ImageSpec, NAME_ISSUE } from './schema.js';

export type { ComponentFiles } from './rules/index.js';

export type CatalogParse = { ok: true; catalog: Catalog } | { ok: false; problems: string[] };

/**
 * Validates a catalog: the shape schema plus every cross-field rule in one zod pipeline, so one pass reports all
 * problems, each as `field.path: what is wrong`. Cross-field rules run on what parsed even when other fields
 * failed their own checks: a rule is skipped when a field it reads throughout failed (rules/index.ts lists what each
 * reads), and judges each image or channel only on that item's own sound fields (`sound`), so one image's bad field
 * hides no other image's problem; its verdict on a value that is not what the schema says would be noise. Component files are read
 * through `files`, so this stays pure.
 */
export function parseCatalog(input: unknown, files: ComponentFiles): CatalogParse {
  const schema = catalogShapeSchema.superRefine(
    (catalog, ctx) => {
      const failed = ctx.issues.flatMap(failedPaths);
      // A channel that is not an object (`null`) has no fields to judge item by item: the schema reports it, and the
      // rules over the channels are skipped rather than read a field of it.
      const channels: unknown = (catalog as { channels?: unknown } | null)?.channels;
      const channelsWhole = !Array.isArray(channels) || channels.every((c) => typeof c === 'object' && c !== null);
      const sectionsFailed = channelsWhole ? failed : [...failed, ['channels']];
      for (const { rule, reads, over = [] } of catalogRules) {
        if (!readsOnlySound(reads, failed) || !sectionsThere(over, sectionsFailed)) continue;
        const sound = (path: readonly (string | number)[]) => pathSound(path, failed);
        rule(catalog, (path, message) => ctx.addIssue({ code: 'custom', path: [...path], message }), files, sound);
      }
    },
    // Zod skips a refinement after an aborting issue (a wrong type, a value outside an enum); these run anyway and
    // choose rule by rule what they can still check.
    { when: () => true },
  );
  const result = schema.safeParse(input, { error: catalogErrorMap });
  if (result.success) return { ok: true, catalog: withTraits(result.data) };
  const problems = [...new Set(issuesToProblems(result.error.issues))];
  return { ok: false, problems };
}

// Each image's platform and architecture as the rules resolved them (its own, its parent's), written in, so the
// stacks, the functions' bundled catalog and the local cloud read one answer. A container image may have none.
function withTraits(catalog: Catalog): Catalog {
  for (const name of Object.keys(catalog.images)) {
    const image = catalog.images[name] as ImageSpec;
    const traits = imageTraits(catalog, name);
    if (traits.platform.value !== undefined) image.platform = traits.platform.value;
    if (traits.architecture.value !== undefined) image.architecture = traits.architecture.value;
  }
  return catalog;
}

// The fields an issue says are not what the schema describes. An unknown key leaves its object sound (zod drops
// it), and so does a badly named key: the value under it was checked on its own.
function failedPaths(issue: z.core.$ZodRawIssue): PropertyKey[][] {
  const path = issue.path ?? [];
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => [...path, key]);
  if (issue.code === 'custom' && issue.params?.about === NAME_ISSUE.about) return [];
  return [path];
}

/**
 * What a valid catalog allows but probably did not mean, as `field.path: what` lines (`goldsmith validate` prints
 * them and still exits 0).
 */
export function catalogWarnings(catalog: Catalog, files: ComponentFiles): string[] {
  const warnings: string[] = [];
  for (const rule of catalogWarningRules)
    rule(
      catalog,
      (path, message) => warnings.push(problem(path, message)),
      files,
      () => true,
    );
  return warnings;
}
