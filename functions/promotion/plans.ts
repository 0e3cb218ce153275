import { pipelineName } from '../../core/names.js';
import { planAll } from '../../core/promotion/plan.js';
import type { PromotionPlan } from '../../core/promotion/types.js';
import { bundledCatalog } from '../lib/catalog.js';

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
 * Which catalog image a build belongs to: the pipeline that built it (`goldsmith-<image>`), else its
 * `goldsmith:image` tag. Undefined for builds that are not ours.
 */
export function catalogImageOf(
  build: { pipelineArn?: string | undefined; tags: Record<string, string> },
  plans: Record<string, PromotionPlan>,
): string | undefined {
  const pipeline = build.pipelineArn?.split(':image-pipeline/')[1];
  const byPipeline = Object.keys(plans).find((image) => pipelineName(image) === pipeline);
  if (byPipeline) return byPipeline;
  const tagged = build.tags['goldsmith:image'];
  return tagged && tagged in plans ? tagged : undefined;
}
