// What the local cloud reads off the synthesized templates besides the wiring: functions' roles, bus policies, recipes.
import { busPolicyOf, type PolicyDocument } from '../trust/policies.js';
import type { CfnResource, CfnTemplate, TemplateResolver } from './intrinsics.js';
import { unqualifiedFunctionArn, type Wiring } from './wiring.js';

/** One of our functions by name or (partial, qualified) ARN, as its unqualified ARN. */
export function functionArnOf(wiring: Wiring, name: string): string | undefined {
  const bare = unqualifiedFunctionArn(name);
  if (wiring.functions.has(bare)) return bare;
  return [...wiring.functions.keys()].find((arn) => arn.endsWith(`:function:${bare.split(':').pop()}`));
}

/** The role ARN of each function (by logical id), as the templates name it. */
export function functionRoles(templates: CfnTemplate[], resolver: TemplateResolver): Map<string, string> {
  const roles = new Map<string, string>();
  for (const t of templates) {
    for (const [id, r] of Object.entries(t.Resources ?? {})) {
      if (r.Type !== 'AWS::Lambda::Function' || r.Properties?.Role === undefined) continue;
      roles.set(id, String(resolver.resolve(r.Properties.Role)));
    }
  }
  return roles;
}

/** Every bus the templates create, with its synthesized resource policy. */
export function busPolicies(templates: CfnTemplate[], resolver: TemplateResolver): Map<string, PolicyDocument> {
  const policies = new Map<string, PolicyDocument>();
  for (const t of templates) {
    for (const [id, r] of Object.entries(t.Resources ?? {})) {
      if (r.Type !== 'AWS::Events::EventBus') continue;
      const name = resolver.physicalName(id);
      const policy = busPolicyOf(templates, resolver, name);
      if (policy) policies.set(name, policy);
    }
  }
  return policies;
}

/** What the recipe a pipeline builds from says: its name (recipe names carry a content hash), parent, components. */
export interface TemplateRecipe {
  name: string | undefined;
  parentImage: string | undefined;
  componentArns: string[];
}

/** The recipe a pipeline builds from, read off the template. */
export function recipeOf(templates: CfnTemplate[], resolver: TemplateResolver, pipeline: string): TemplateRecipe {
  const recipe = recipeResource(templates, resolver, pipeline);
  const name = recipe?.Properties?.Name;
  const parent = recipe?.Properties?.ParentImage;
  const components = recipe?.Properties?.Components;
  return {
    name: name === undefined ? undefined : String(resolver.resolve(name)).toLowerCase(),
    parentImage: parent === undefined ? undefined : String(resolver.resolve(parent)),
    componentArns: (Array.isArray(components) ? components : []).map((c: { ComponentArn?: unknown }) =>
      String(resolver.resolve(c.ComponentArn)),
    ),
  };
}

function recipeResource(
  templates: CfnTemplate[],
  resolver: TemplateResolver,
  pipeline: string,
): CfnResource | undefined {
  const resources = Object.assign({}, ...templates.map((t) => t.Resources ?? {})) as Record<string, CfnResource>;
  const found = Object.values(resources).find(
    (r) => r.Type === 'AWS::ImageBuilder::ImagePipeline' && resolver.resolve(r.Properties?.Name) === pipeline,
  );
  const ref = (found?.Properties?.ImageRecipeArn ?? found?.Properties?.ContainerRecipeArn) as
    | { Ref?: string; 'Fn::GetAtt'?: [string, string] }
    | undefined;
  const recipeId = ref?.Ref ?? ref?.['Fn::GetAtt']?.[0];
  return recipeId ? resources[recipeId] : undefined;
}
