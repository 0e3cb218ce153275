import { RemovalPolicy } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { CfnContainerRecipe, CfnImageRecipe } from 'aws-cdk-lib/aws-imagebuilder';
import { Construct } from 'constructs';
import type { ImageSpec, ParentRef } from '../../core/config/schema.js';
import { channelTagMutability } from '../../core/promotion/repository-guard.js';
import { channelParentImage, containerRepositoryName, pipelineName } from '../names.js';
import { type RecipeComponent, shortHash } from './components.js';
import { goldsmithTags } from './tags.js';

/** Image Builder fills these placeholders in; a bare template keeps the recipe's components the whole story. */
export const DOCKERFILE_TEMPLATE = [
  'FROM {{{ imagebuilder:parentImage }}}',
  '{{{ imagebuilder:environments }}}',
  '{{{ imagebuilder:components }}}',
  '',
].join('\n');

/**
 * The recipe `parentImage` for a catalog parent. Image Builder takes `ssm:<parameter>` (resolved at build time),
 * AMI ids and image ARNs as they are; a catalog image becomes its parent's channel pointer; `docker:` names a
 * registry image and only suits containers.
 */
export function parentImageFor(parent: ParentRef, kind: ImageSpec['kind'], where: string): string {
  if (typeof parent !== 'string') {
    if (kind === 'container')
      throw new Error(`${where}: a container image cannot build on catalog image "${parent.image}"`);
    return channelParentImage(parent.image, parent.channel);
  }
  if (parent.startsWith('docker:')) {
    if (kind !== 'container') throw new Error(`${where}: "${parent}" is a container image; an AMI needs an AMI parent`);
    return parent.slice('docker:'.length);
  }
  if (kind === 'container' && (parent.startsWith('ssm:') || parent.startsWith('ami-'))) {
    throw new Error(`${where}: "${parent}" names an AMI; a container image needs "docker:<image>" or an image ARN`);
  }
  return parent;
}

/** Recipes are immutable per name and version: the name carries a hash of everything that defines the recipe. */
function recipeName(image: string, identity: unknown): string {
  return `${pipelineName(image)}-${shortHash(identity)}`;
}

function recipeComponents(components: RecipeComponent[]): CfnImageRecipe.ComponentConfigurationProperty[] {
  return components.map(({ componentArn, parameters }) => ({ componentArn, ...(parameters && { parameters }) }));
}

/** The AMI recipe of an image. */
export function createImageRecipe(
  scope: Construct,
  image: string,
  spec: ImageSpec,
  components: RecipeComponent[],
): CfnImageRecipe {
  const parentImage = parentImageFor(spec.parent, spec.kind, `images.${image}.parent`);
  const identity = { parentImage, version: spec.version, components: components.map((c) => c.identity) };
  return new CfnImageRecipe(new Construct(scope, `${image}Recipe`), 'Resource', {
    name: recipeName(image, identity),
    version: spec.version,
    description: spec.description ?? `Goldsmith ${image}`,
    parentImage,
    components: recipeComponents(components),
    tags: goldsmithTags(image),
  });
}

/**
 * The container recipe of an image, pushing to its ECR repository (created here, kept on stack removal), whose tags
 * are immutable but the channels' (`IMMUTABLE_WITH_EXCLUSION`).
 */
export function createContainerRecipe(
  scope: Construct,
  image: string,
  spec: ImageSpec,
  components: RecipeComponent[],
  channels: readonly string[],
): { recipe: CfnContainerRecipe; repository: ecr.Repository } {
  const group = new Construct(scope, `${image}Recipe`);
  const repositoryName = containerRepositoryName(image, spec.repository);
  // Every tag immutable but the channels', which Publish moves (core/promotion/repository-guard.ts): nobody re-tags
  // a build's version tag, and the pinned aws-cdk-lib's Repository takes both properties.
  const tags = channelTagMutability(channels);
  const repository = new ecr.Repository(group, 'Repository', {
    repositoryName,
    encryption: ecr.RepositoryEncryption.KMS,
    removalPolicy: RemovalPolicy.RETAIN,
    imageTagMutability: ecr.TagMutability[tags.mutability],
    ...(tags.filters.length > 0
      ? {
          imageTagMutabilityExclusionFilters: tags.filters.map((f) =>
            ecr.ImageTagMutabilityExclusionFilter.wildcard(f),
          ),
        }
      : {}),
  });
  const parentImage = parentImageFor(spec.parent, spec.kind, `images.${image}.parent`);
  const identity = {
    parentImage,
    version: spec.version,
    repositoryName,
    dockerfile: DOCKERFILE_TEMPLATE,
    components: components.map((c) => c.identity),
  };
  const recipe = new CfnContainerRecipe(group, 'Resource', {
    name: recipeName(image, identity),
    version: spec.version,
    description: spec.description ?? `Goldsmith ${image}`,
    containerType: 'DOCKER',
    parentImage,
    targetRepository: { service: 'ECR', repositoryName: repository.repositoryName },
    dockerfileTemplateData: DOCKERFILE_TEMPLATE,
    components: recipeComponents(components),
    tags: goldsmithTags(image),
  });
  return { recipe, repository };
}
