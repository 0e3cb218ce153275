import { CfnWaitConditionHandle } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import { type StackContext, use } from 'sst/constructs';
import { useCatalogContext } from './catalog.js';
import { Factory, outputIdPart } from './Factory.js';
import { createImageFactory } from './factory/image.js';
import { IMAGE_STACK_COUNT, imageStackOf } from './factory/shards.js';
import { ownLogGroups } from './function-logs.js';

/** What an image stack hands on (tests read it; no stack needs it: pipelines are addressed by name). */
export interface FactoryImagesResources {
  /** Image Builder pipeline ARN per catalog image in this stack. */
  pipelineArns: Record<string, string>;
  /** ECR repository per container image in this stack. */
  repositories: Record<string, ecr.Repository>;
}

/**
 * The Image Builder resources of the catalog images whose name hashes to `shard` (factory/shards.ts): components,
 * recipe, infrastructure and distribution configurations and pipeline per image, on the Factory's shared key,
 * bucket, topic and instance profiles. A stack with no image keeps one empty placeholder, because CloudFormation
 * refuses a template without resources and the stack must stay deployable as images come and go.
 */
function FactoryImages({ stack }: StackContext, shard: number): FactoryImagesResources {
  ownLogGroups(stack);
  const { catalog, root } = useCatalogContext();
  const { infrastructure, distribution } = use(Factory);
  const images = Object.entries(catalog.images).filter(([image]) => imageStackOf(image) === shard);
  if (images.length === 0) new CfnWaitConditionHandle(stack, 'NoImages');

  const pipelineArns: Record<string, string> = {};
  const repositories: Record<string, ecr.Repository> = {};
  for (const [image, spec] of images) {
    const channels = catalog.channels.map((c) => c.name);
    const built = createImageFactory(stack, image, spec, { root, infrastructure, distribution, channels });
    pipelineArns[image] = built.pipeline.attrArn;
    if (built.repository) repositories[image] = built.repository;
  }
  stack.addOutputs(
    Object.fromEntries(Object.entries(pipelineArns).map(([image, arn]) => [`Pipeline${outputIdPart(image)}Arn`, arn])),
  );
  return { pipelineArns, repositories };
}

/** `FactoryImages0` … : one stack function per image stack, named for SST (which names stacks by function). */
function imageStack(shard: number): (ctx: StackContext) => FactoryImagesResources {
  const fn = (ctx: StackContext) => FactoryImages(ctx, shard);
  Object.defineProperty(fn, 'name', { value: `FactoryImages${shard}` });
  return fn;
}

/** The image stacks, in order; each `use`s the Factory. */
export const FACTORY_IMAGE_STACKS: readonly ((ctx: StackContext) => FactoryImagesResources)[] = Array.from(
  { length: IMAGE_STACK_COUNT },
  (_, shard) => imageStack(shard),
);
