import { Stack } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import type { CfnImagePipeline } from 'aws-cdk-lib/aws-imagebuilder';
import type { Construct } from 'constructs';
import type { ImageSpec } from '../../core/config/schema.js';
import { containerRepositoryName } from '../names.js';
import { createImageComponents } from './components.js';
import { createDistributionConfiguration, type DistributionProps } from './distribution.js';
import { type BuildInfrastructure, createInfrastructureConfiguration } from './infrastructure.js';
import { createPipeline } from './pipeline.js';
import { createContainerRecipe, createImageRecipe } from './recipes.js';
import { createRegionalRepositories } from './repositories.js';

export interface ImageFactory {
  pipeline: CfnImagePipeline;
  repository?: ecr.Repository;
}

/** Everything Image Builder needs to build one catalog image: components, recipe, infrastructure, distribution. */
export function createImageFactory(
  scope: Construct,
  image: string,
  spec: ImageSpec,
  context: {
    root: string;
    infrastructure: BuildInfrastructure;
    distribution: DistributionProps;
    /** The catalog's channels: their tags are the container repositories' only movable ones. */
    channels: readonly string[];
  },
): ImageFactory {
  const components = createImageComponents(scope, image, spec, context.root);
  const infrastructure = createInfrastructureConfiguration(scope, image, spec, context.infrastructure);
  const home = Stack.of(scope).region;
  const regionalRepositories =
    spec.kind === 'container'
      ? createRegionalRepositories(
          scope,
          image,
          containerRepositoryName(image, spec.repository),
          spec.regions.filter((region) => region !== home),
          context.channels,
        )
      : [];
  const distribution = createDistributionConfiguration(scope, image, spec, {
    ...context.distribution,
    dependsOn: [...(context.distribution.dependsOn ?? []), ...regionalRepositories],
  });
  const parts = {
    infrastructureConfigurationArn: infrastructure.attrArn,
    distributionConfigurationArn: distribution.attrArn,
  };
  if (spec.kind === 'container') {
    const { recipe, repository } = createContainerRecipe(scope, image, spec, components, context.channels);
    // The recipe names the repository by name only; make sure it exists before Image Builder validates it.
    recipe.node.addDependency(repository);
    const pipeline = createPipeline(scope, image, spec, { ...parts, recipeArn: recipe.attrArn });
    return { pipeline, repository };
  }
  const recipe = createImageRecipe(scope, image, spec, components);
  return { pipeline: createPipeline(scope, image, spec, { ...parts, recipeArn: recipe.attrArn }) };
}
