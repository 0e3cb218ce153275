import { z } from 'zod';
import type { PromotionPlan } from '../../core/promotion/types.js';
import { pipelineName } from '../../stacks/names.js';
import { planSchema } from './schemas.js';

const plansSchema = z.record(z.string(), planSchema);

let cached: Record<string, PromotionPlan> | undefined;

/**
 * Every catalog image's promotion plan, from env `GOLDSMITH_PROMOTION_PLANS` (JSON written by the Promotion stack
 * from the validated catalog), parsed once per cold start.
 */
export function promotionPlans(): Record<string, PromotionPlan> {
  if (cached) return cached;
  const raw = process.env.GOLDSMITH_PROMOTION_PLANS;
  if (!raw) throw new Error('GOLDSMITH_PROMOTION_PLANS is not set');
  const parsed = plansSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new Error(`GOLDSMITH_PROMOTION_PLANS is invalid: ${parsed.error.message}`);
  cached = parsed.data;
  return cached;
}

/** Forgets the parsed plans (tests; the local cloud when it swaps catalogs). */
export function resetPromotionPlans(): void {
  cached = undefined;
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
