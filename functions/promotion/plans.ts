import { planAll } from '../../core/promotion/plan.js';
import type { PromotionPlan } from '../../core/promotion/types.js';
import { bundledCatalog, pipelineArnOf } from '../lib/catalog.js';

let cached: { catalog: unknown; plans: Record<string, PromotionPlan> } | undefined;

/**
 * Every catalog image's promotion plan, from the catalog bundled into the function (`bundledCatalog`), computed
 * once per catalog.
 */
export function promotionPlans(): Record<string, PromotionPlan> {
  const catalog = bundledCatalog();
  if (cached?.catalog !== catalog) cached = { catalog, plans: planAll(catalog) };
  return cached.plans;
}

/**
 * Which catalog image a build belongs to: the one whose own pipeline built it, by full ARN (`PIPELINE_ARN_PREFIX` +
 * image: the factory's account and Region, `goldsmith-<image>`). A tag, or a pipeline of the same name in another
 * account or Region, proves nothing: anyone allowed to use Image Builder can set those, and a build recorded under a
 * catalog version would take that version's place in the ledger. Undefined for builds that are not ours.
 */
export function catalogImageOf(
  build: { pipelineArn?: string | undefined },
  plans: Record<string, PromotionPlan>,
): string | undefined {
  if (!build.pipelineArn) return undefined;
  return Object.keys(plans).find((image) => pipelineArnOf(image) === build.pipelineArn);
}
