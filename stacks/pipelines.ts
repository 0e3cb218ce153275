import type { Stack } from 'aws-cdk-lib';
import { pipelineName } from './names.js';

/** `arn:…:image-pipeline/goldsmith-`: functions append the image name; rules match pipelines by it. */
export function pipelineArnPrefix(stack: Stack): string {
  return stack.formatArn({ service: 'imagebuilder', resource: 'image-pipeline', resourceName: pipelineName('') });
}

/**
 * Every Goldsmith pipeline of the account and Region, for IAM grants. Named by prefix, not one ARN per image: a list
 * grows with the catalog, and at 100 images it measured 8,163 characters, over IAM's 6,144 per managed policy.
 * Pipelines are `goldsmith-<image>` and unique per account and Region, so the prefix names exactly ours.
 */
export function everyPipelineArn(stack: Stack): string {
  return `${pipelineArnPrefix(stack)}*`;
}

/**
 * Every AWS-managed Image Builder component of the Region (owner `aws`), for GetComponent: the build versions the
 * recipes' `x.x.x` components resolve to (aws/sbom/component-versions.ts).
 */
export function managedComponentsArn(stack: Stack): string {
  return stack.formatArn({ service: 'imagebuilder', account: 'aws', resource: 'component', resourceName: '*' });
}
