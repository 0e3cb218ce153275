import { GetComponentCommand } from '@aws-sdk/client-imagebuilder';
import { type BuildRecipe, isVersionFilter } from '../../core/sbom/build-content.js';
import { imagebuilderClient } from '../clients/imagebuilder.js';

/**
 * The component build versions a build applied where its recipe names a version filter (an AWS-managed component at
 * `x.x.x`, as Goldsmith's recipes name them by default). GetImage gives the recipe as written: a component's
 * `componentArn` may be a version filter (ComponentConfiguration's pattern allows `x` nodes,
 * https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_ComponentConfiguration.html). GetComponent resolves
 * one: "Version ARNs resolve to the latest available matching component build version"
 * (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_GetComponent.html), and the filter selects "the
 * most recent versions" when the build runs
 * (https://docs.aws.amazon.com/imagebuilder/latest/userguide/ibhow-semantic-versioning.html). Read when the build is
 * AVAILABLE, the answer is the version the build applied only if it already existed when Image Builder created the
 * build (GetComponent's `dateCreated` no later than GetImage's): a version published since is not recorded, and the
 * component keeps its filter (unresolved). A filter GetComponent does not know (ResourceNotFoundException) stays too.
 * @returns the resolved build version ARN by the recipe's component ARN.
 */
export async function resolvedComponents(
  recipe: BuildRecipe | undefined,
  buildCreatedAt: string | undefined,
  region: string,
): Promise<Map<string, string>> {
  const filters = [
    ...new Set((recipe?.components ?? []).flatMap((c) => (c.componentArn ? [c.componentArn] : []))),
  ].filter(isVersionFilter);
  const resolved = new Map<string, string>();
  const created = buildCreatedAt ? Date.parse(buildCreatedAt) : Number.NaN;
  for (const arn of filters) {
    let answer: { arn?: string | undefined; dateCreated?: string | undefined } | undefined;
    try {
      const out = await imagebuilderClient(region).send(new GetComponentCommand({ componentBuildVersionArn: arn }));
      answer = out?.component;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ResourceNotFoundException') continue;
      throw error;
    }
    const at = answer?.dateCreated ? Date.parse(answer.dateCreated) : Number.NaN;
    if (!answer?.arn || Number.isNaN(created) || Number.isNaN(at) || at > created) continue;
    resolved.set(arn, answer.arn);
  }
  return resolved;
}
