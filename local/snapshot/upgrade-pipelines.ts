import type { PipelineRecord } from '../fakes/imagebuilder-model.js';
import type { LocalCloud } from '../simulator/cloud-types.js';

/** Image Builder's pipelines as the new templates make them (their recipes), by ARN: taken before the save is opened. */
export type FreshPipelines = ReadonlyMap<string, PipelineRecord>;

export const freshPipelines = (cloud: LocalCloud): FreshPipelines =>
  new Map(cloud.installed.fakes.imagebuilder.pipelines);

/**
 * The saved pipelines completed from the new templates' (in place: the saved builds hold the same records). A field
 * the saving release's fake did not keep — 0.2.0's kept no recipe's `parentImage` nor `componentArns`, which GetImage
 * answers and the image-event and lifecycle handlers read, for AMI and container images alike — is taken from the
 * same pipeline's recipe in the new templates: the recipe the saved builds were built from while its name (which
 * carries the recipe's content digest) is the same, and the nearest the save can tell otherwise. A pipeline the new
 * templates give another recipe then takes it for the builds to come, as CloudFormation points the pipeline at the
 * new recipe; each earlier build keeps the record it was built from. Returns how many saved pipelines lacked fields.
 */
export function completePipelines(cloud: LocalCloud, fresh: { pipelines: FreshPipelines }): number {
  const { pipelines } = cloud.installed.fakes.imagebuilder;
  let completed = 0;
  for (const [arn, saved] of pipelines) {
    const now = fresh.pipelines.get(arn);
    if (!now) continue;
    const record = saved as unknown as Record<string, unknown>;
    const missing = (Object.keys(now) as (keyof PipelineRecord)[]).filter(
      (k) => record[k] === undefined && now[k] !== undefined,
    );
    for (const k of missing) record[k] = now[k];
    if (missing.length > 0) completed++;
    if (saved.recipeName !== now.recipeName || saved.recipeVersion !== now.recipeVersion) pipelines.set(arn, now);
  }
  return completed;
}
