import { CfnDistributionConfiguration } from 'aws-cdk-lib/aws-imagebuilder';
import { Construct, type IDependable } from 'constructs';
import type { ImageSpec } from '../../core/config/schema.js';
import { amiName, containerRepositoryName, pipelineName } from '../names.js';
import { goldsmithTags } from './tags.js';

export interface DistributionProps {
  /** The KMS key (ARN or alias ARN) to encrypt AMIs with in a region. */
  keyIdFor(region: string): string;
  /** Resources the distribution must wait for (the key's replicas). */
  dependsOn?: IDependable[];
}

/**
 * One distribution per region of the image. AMIs are encrypted with our key and carry our tags; no launch
 * permissions here: who may launch is decided per channel at promotion time, not at build time.
 */
export function distributionsFor(
  image: string,
  spec: ImageSpec,
  props: DistributionProps,
): CfnDistributionConfiguration.DistributionProperty[] {
  return spec.regions.map((region) => {
    if (spec.kind === 'container') {
      return {
        region,
        // Typed `any` by CDK and passed through untouched, so the keys are CloudFormation's (PascalCase).
        containerDistributionConfiguration: {
          Description: `Goldsmith ${image}`,
          TargetRepository: { Service: 'ECR', RepositoryName: containerRepositoryName(image, spec.repository) },
        },
      };
    }
    return {
      region,
      amiDistributionConfiguration: {
        Name: amiName(image),
        Description: spec.description ?? `Goldsmith ${image}`,
        AmiTags: goldsmithTags(image),
        KmsKeyId: props.keyIdFor(region),
      },
    };
  });
}

/** The distribution configuration of one image. */
export function createDistributionConfiguration(
  scope: Construct,
  image: string,
  spec: ImageSpec,
  props: DistributionProps,
): CfnDistributionConfiguration {
  const distribution = new CfnDistributionConfiguration(new Construct(scope, `${image}Distribution`), 'Resource', {
    name: pipelineName(image),
    description: `Goldsmith distribution for ${image}`,
    distributions: distributionsFor(image, spec, props),
    tags: goldsmithTags(image),
  });
  for (const dependency of props.dependsOn ?? []) distribution.node.addDependency(dependency);
  return distribution;
}
