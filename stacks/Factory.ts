import { Token } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { StackContext } from 'sst/constructs';
import { useCatalogContext } from './catalog.js';
import { createImageFactory } from './factory/image.js';
import { createBuildInfrastructure } from './factory/infrastructure.js';
import { createAmiKey, createTopicKey } from './factory/key.js';

/** What the Factory stack hands to the stacks that `use(Factory)`. */
export interface FactoryResources {
  /** Image Builder pipeline ARN per catalog image. */
  pipelineArns: Record<string, string>;
  /** Image Builder publishes AVAILABLE / FAILED messages for every pipeline here. */
  imageBuilderTopic: sns.Topic;
  /** The AMI encryption key (home region; a multi-region primary). */
  amiKey: kms.Key;
  /** The alias the AMI key goes by in every distribution region. */
  amiKeyAliasName: string;
  logBucket: s3.Bucket;
  /** ECR repository per container image. */
  repositories: Record<string, ecr.Repository>;
}

/** `web-runtime` → `WebRuntime`: CloudFormation output ids allow letters and digits only. */
export function outputIdPart(image: string): string {
  return image
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The Image Builder factory: one pipeline per catalog image, sharing a key, a log bucket and a topic. */
export function Factory({ app, stack }: StackContext): FactoryResources {
  const { catalog, root } = useCatalogContext();
  const home = catalog.organization.homeRegion;
  if (!Token.isUnresolved(stack.region) && stack.region !== home) {
    throw new Error(`organization.homeRegion is "${home}" but the app deploys to "${stack.region}": deploy to ${home}`);
  }
  const images = Object.entries(catalog.images);
  const amiKey = createAmiKey(stack, {
    organizationId: catalog.organization.id,
    regions: [...new Set(images.flatMap(([, spec]) => spec.regions))].sort(),
    stage: app.stage,
  });
  const infrastructure = createBuildInfrastructure(
    stack,
    new Set(images.map(([, spec]) => spec.kind)),
    createTopicKey(stack),
  );

  const pipelineArns: Record<string, string> = {};
  const repositories: Record<string, ecr.Repository> = {};
  for (const [image, spec] of images) {
    const built = createImageFactory(stack, image, spec, { root, infrastructure, distribution: amiKey });
    pipelineArns[image] = built.pipeline.attrArn;
    if (built.repository) repositories[image] = built.repository;
  }

  stack.addOutputs({
    ImageBuilderTopicArn: infrastructure.topic.topicArn,
    AmiKeyArn: amiKey.key.keyArn,
    AmiKeyAlias: amiKey.aliasName,
    BuildLogBucket: infrastructure.logBucket.bucketName,
    ...Object.fromEntries(
      Object.entries(pipelineArns).map(([image, arn]) => [`Pipeline${outputIdPart(image)}Arn`, arn]),
    ),
  });
  return {
    pipelineArns,
    imageBuilderTopic: infrastructure.topic,
    amiKey: amiKey.key,
    amiKeyAliasName: amiKey.aliasName,
    logBucket: infrastructure.logBucket,
    repositories,
  };
}
