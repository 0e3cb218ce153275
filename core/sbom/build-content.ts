import type { RecordedContent } from './ledger-content.js';
import type { ParentBuild, SbomComponent } from './model.js';

/**
 * What a build was made from, as GetImage tells it: the image's `imageRecipe` (an AMI) or `containerRecipe` (a
 * container image), each with its `name`, `version`, `parentImage` and `components` (`componentArn`, parameters):
 * https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_Image.html,
 * https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_ImageRecipe.html,
 * https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_ContainerRecipe.html. Pure.
 */
export interface BuildRecipe {
  name?: string | undefined;
  version?: string | undefined;
  parentImage?: string | undefined;
  components?: readonly { componentArn?: string | undefined }[] | undefined;
}

/**
 * A component of a recipe by its ARN: `arn:aws:imagebuilder:<region>:<owner>:component/<name>/<version>[/<build>]`
 * (the owner `aws` for Amazon-managed ones; a version may be a pattern such as `x.x.x`), named and versioned as the
 * ARN says (`1.0.2/1` for a build version).
 */
export function componentOfArn(arn: string): SbomComponent {
  const resource = arn.split(':').slice(5).join(':');
  const [, name = arn, ...version] = resource.split('/');
  return { name, version: version.join('/') || 'unknown', arn };
}

/**
 * Whether a component ARN names a version filter (`x.x.x`, `1.x.x`, `1.0.x`: "all nodes to the right of the first
 * wildcard must also be wildcards", https://docs.aws.amazon.com/imagebuilder/latest/userguide/ibhow-semantic-versioning.html),
 * not a version or a build version.
 */
export const isVersionFilter = (arn: string): boolean => /\/(\d+|x)\.(\d+|x)\.x$/.test(arn);

/**
 * A recipe component as applied: the build version GetComponent resolved its version filter to (`resolved`, by the
 * recipe's ARN), named by that ARN with the recipe's ARN as `requested`; else as the recipe names it.
 */
export function appliedComponent(arn: string, resolved: ReadonlyMap<string, string> | undefined): SbomComponent {
  const buildArn = resolved?.get(arn);
  return buildArn && buildArn !== arn ? { ...componentOfArn(buildArn), requested: arn } : componentOfArn(arn);
}

/** The facts of a finished build that its content needs besides its recipe. */
export interface BuildFactsForContent {
  image: string;
  version: string;
  buildVersionArn: string;
  kind: 'ami' | 'container';
  /** When the build became AVAILABLE (the first time the ledger heard of it). */
  builtAt: string;
  recipe: BuildRecipe | undefined;
  /** GetImage's `osVersion` ("Amazon Linux 2023"). */
  osVersion?: string | undefined;
  /** The parent build of a child of a catalog image (aws/sbom/parent-build.ts). */
  parentBuild?: ParentBuild | undefined;
  /** The build version each of the recipe's version filters resolved to, by the recipe's component ARN. */
  resolvedComponents?: ReadonlyMap<string, string> | undefined;
}

/**
 * The content of a build as `CONTENT#<version>` records it. An AMI's packages are what Image Builder lists
 * (`imagebuilder`); a container's come from Inspector's SBOM export once it is read, `none` until then.
 * @throws Error naming the missing field when GetImage gave no recipe, or one without its name or version.
 */
export function contentOfBuild(b: BuildFactsForContent): RecordedContent {
  const { recipe } = b;
  const field = b.kind === 'container' ? 'containerRecipe' : 'imageRecipe';
  if (!recipe?.name || !recipe.version) {
    throw new Error(`GetImage of ${b.buildVersionArn}: ${field} ${recipe ? 'has no name or version' : 'missing'}`);
  }
  return {
    image: b.image,
    version: b.version,
    kind: b.kind,
    buildVersionArn: b.buildVersionArn,
    builtAt: b.builtAt,
    recipe: { name: recipe.name, version: recipe.version },
    parent: recipe.parentImage ?? '',
    ...(b.parentBuild ? { parentBuild: b.parentBuild } : {}),
    ...(b.osVersion ? { osVersion: b.osVersion } : {}),
    components: (recipe.components ?? []).flatMap((c) =>
      c.componentArn ? [appliedComponent(c.componentArn, b.resolvedComponents)] : [],
    ),
    packageSource: b.kind === 'ami' ? 'imagebuilder' : 'none',
  };
}
