import { CfnImagePipeline } from 'aws-cdk-lib/aws-imagebuilder';
import { Construct } from 'constructs';
import type { ImageSpec } from '../../core/config/schema.js';
import { containerRepositoryName, pipelineName } from '../names.js';
import { goldsmithTags } from './tags.js';

export interface PipelineParts {
  recipeArn: string;
  infrastructureConfigurationArn: string;
  distributionConfigurationArn: string;
}

/**
 * The image pipeline: tests and Inspector scanning on, enhanced metadata on (needed for scan findings and the
 * package inventory), and no schedule: Goldsmith's triggers start every build.
 */
export function createPipeline(
  scope: Construct,
  image: string,
  spec: ImageSpec,
  parts: PipelineParts,
): CfnImagePipeline {
  const container = spec.kind === 'container';
  return new CfnImagePipeline(new Construct(scope, `${image}Pipeline`), 'Resource', {
    name: pipelineName(image),
    description: spec.description ?? `Goldsmith ${image}`,
    status: 'ENABLED',
    ...(container ? { containerRecipeArn: parts.recipeArn } : { imageRecipeArn: parts.recipeArn }),
    infrastructureConfigurationArn: parts.infrastructureConfigurationArn,
    distributionConfigurationArn: parts.distributionConfigurationArn,
    enhancedImageMetadataEnabled: true,
    imageTestsConfiguration: { imageTestsEnabled: true, timeoutMinutes: 120 },
    imageScanningConfiguration: {
      imageScanningEnabled: true,
      ...(container && {
        ecrConfiguration: {
          repositoryName: containerRepositoryName(image, spec.repository),
          containerTags: ['goldsmith-scan'],
        },
      }),
    },
    tags: goldsmithTags(image),
  });
}
