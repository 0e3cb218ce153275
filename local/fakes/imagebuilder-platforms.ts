import { ImagebuilderServiceException, InvalidParameterValueException } from '@aws-sdk/client-imagebuilder';
import { instanceTypeArchitectures } from '../../core/config/instance-types.js';
import { managedComponentName, managedComponentPlatform } from '../../core/config/managed-components.js';
import { errorFactory } from './common.js';
import type { PipelineRecord } from './imagebuilder-model.js';

const err = errorFactory(ImagebuilderServiceException);

/**
 * What Image Builder refuses of a pipeline's recipe when the stacks deploy it (CloudFormation's CreateImageRecipe):
 * an AWS-managed component for another platform than the parent image's. Image Builder answers
 * InvalidParameterValueException "The value supplied for parameter 'components' is not valid. Component ARN '…'"
 * (https://github.com/aws/ec2-image-builder-roadmap/issues/68; the rest of the sentence is the fake's). The recipe's
 * platform is the parent image's (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_ImageRecipe.html).
 * Components of the account are created with the recipe's platform by the stacks, so only managed ones can differ.
 */
export function refuseRecipe(p: PipelineRecord): void {
  for (const arn of p.componentArns) {
    const name = managedComponentName(arn);
    const platform = name === undefined ? undefined : managedComponentPlatform(name);
    if (platform !== undefined && platform !== p.platform) {
      throw err(
        InvalidParameterValueException,
        `The value supplied for parameter 'components' is not valid. Component ARN '${arn}' is for platform ${platform}, which does not match the platform ${p.platform} of the parent image.`,
      );
    }
  }
}

/**
 * The instance type build `n` of a pipeline launches on. Image Builder "will pick one of these instance types based on
 * availability" (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_CreateInfrastructureConfiguration.html);
 * the fake has capacity everywhere and takes them in turn, so each listed type gets launched on, as a real fleet's
 * builds would over time.
 */
export function launchType(p: PipelineRecord, buildNumber: number): string | undefined {
  // A cloud saved by a release that did not record the instance types has none: nothing to refuse.
  const types: readonly string[] = p.instanceTypes ?? [];
  return types[(buildNumber - 1) % types.length];
}

/**
 * Why the build instance does not launch, if it does not: EC2 refuses RunInstances for an AMI on an instance type of
 * another architecture, InvalidParameterValue "The architecture 'arm64' of the specified instance type does not
 * match the architecture 'x86_64' of the specified AMI. …" (https://github.com/hashicorp/packer/issues/11429), and
 * the image FAILS in BUILDING. Image Builder does not check this when the infrastructure configuration is created: it
 * names no image. An instance type the table does not know launches.
 */
export function launchFailure(p: PipelineRecord, buildNumber: number): string | undefined {
  const type = launchType(p, buildNumber);
  const archs = type === undefined ? undefined : instanceTypeArchitectures(type);
  if (p.architecture === undefined || archs === undefined || archs.includes(p.architecture)) return undefined;
  const typeArch = archs.find((a) => a !== 'i386') ?? archs[0];
  return `Error occurred during operation 'LaunchBuildInstance' on instance type ${type}: InvalidParameterValue: The architecture '${typeArch}' of the specified instance type does not match the architecture '${p.architecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again. You can use 'describe-instance-types' or 'describe-images' to discover the architecture of the instance type or AMI.`;
}
