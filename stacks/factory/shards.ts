import { createHash } from 'node:crypto';

/**
 * How many stacks hold the images' Image Builder resources. One stack cannot: each image brings a recipe, an
 * infrastructure and a distribution configuration, a pipeline and its components, so a 100-image catalog made
 * 641 resources in one stack, over CloudFormation's 500. Never change this number on a deployed app: every image
 * would move to another stack, and a named Image Builder resource cannot be created in one stack before the old
 * stack lets go of it.
 */
export const IMAGE_STACK_COUNT = 4;

/**
 * The image stack an image lives in: a hash of its name, so adding or removing an image never moves another one.
 * The validator names the stack and its images if one ever fills up.
 */
export function imageStackOf(image: string): number {
  return createHash('sha256').update(image).digest().readUInt32BE(0) % IMAGE_STACK_COUNT;
}
