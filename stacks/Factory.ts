import { Token } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { StackContext } from 'sst/constructs';
import { autoScalingGrantees } from '../core/sharing/key-grants.js';
import { useCatalogContext } from './catalog.js';
import type { DistributionProps } from './factory/distribution.js';
import { type BuildInfrastructure, createBuildInfrastructure } from './factory/infrastructure.js';
import { createAmiKey, createTopicKey } from './factory/key.js';
import { createSbomBucket } from './factory/sbom-bucket.js';
import { ownLogGroups } from './function-logs.js';

/** What the Factory stack hands to the stacks that `use(Factory)`: the image stacks build on all of it. */
export interface FactoryResources {
  /** Log bucket, notification topic and instance profiles every image's infrastructure configuration uses. */
  infrastructure: BuildInfrastructure;
  /** The AMI key per distribution region, and the replicas a distribution must wait for. */
  distribution: DistributionProps;
  /** Image Builder publishes AVAILABLE / FAILED messages for every pipeline here. */
  imageBuilderTopic: sns.Topic;
  /** The AMI encryption key (home region; a multi-region primary). */
  amiKey: kms.Key;
  /** The alias the AMI key goes by in every distribution region. */
  amiKeyAliasName: string;
  logBucket: s3.Bucket;
  /** Each version's SBOMs (stacks/factory/sbom-bucket.ts); functions of other stacks address it by name. */
  sbomBucket: s3.Bucket;
}

/** `web-runtime` → `WebRuntime`: CloudFormation output ids allow letters and digits only. */
export function outputIdPart(image: string): string {
  return image
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The Image Builder factory's shared half: the AMI key and its replicas, the log bucket, the SBOM bucket, the
 * notification topic and the build instances' roles. Each image's own resources live in the image stacks (FactoryImages.ts).
 */
export function Factory({ app, stack }: StackContext): FactoryResources {
  ownLogGroups(stack);
  const { catalog } = useCatalogContext();
  const home = catalog.organization.homeRegion;
  if (!Token.isUnresolved(stack.region) && stack.region !== home) {
    throw new Error(`organization.homeRegion is "${home}" but the app deploys to "${stack.region}": deploy to ${home}`);
  }
  const images = Object.entries(catalog.images);
  const amiKey = createAmiKey(stack, {
    organizationId: catalog.organization.id,
    regions: [...new Set(images.flatMap(([, spec]) => spec.regions))].sort(),
    stage: app.stage,
    grantees: autoScalingGrantees(catalog),
  });
  const infrastructure = createBuildInfrastructure(
    stack,
    new Set(images.map(([, spec]) => spec.kind)),
    createTopicKey(stack),
  );

  const sbomBucket = createSbomBucket(stack, app.stage);

  stack.addOutputs({
    SbomBucket: sbomBucket.bucketName,
    ImageBuilderTopicArn: infrastructure.topic.topicArn,
    AmiKeyArn: amiKey.key.keyArn,
    AmiKeyAlias: amiKey.aliasName,
    BuildLogBucket: infrastructure.logBucket.bucketName,
  });
  return {
    infrastructure,
    distribution: { keyIdFor: amiKey.keyIdFor, dependsOn: amiKey.dependsOn },
    imageBuilderTopic: infrastructure.topic,
    amiKey: amiKey.key,
    amiKeyAliasName: amiKey.aliasName,
    logBucket: infrastructure.logBucket,
    sbomBucket,
  };
}
