import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnInfrastructureConfiguration } from 'aws-cdk-lib/aws-imagebuilder';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { ImageSpec } from '../../core/config/schema.js';
import { buildLogPrefix, pipelineName } from '../names.js';
import { admitPrincipalArn, publishOnlyByWriters } from '../resource-doors.js';
import { goldsmithTags } from './tags.js';

/** The shared pieces every image's build infrastructure uses. */
export interface BuildInfrastructure {
  logBucket: s3.Bucket;
  topic: sns.Topic;
  /** Instance profile name per image kind; the container one only exists when some image is a container. */
  instanceProfiles: Partial<Record<ImageSpec['kind'], string>>;
  roles: Partial<Record<ImageSpec['kind'], iam.Role>>;
}

/** Build logs: private, encrypted, TLS only, expiring; builds write under `build-logs/`. */
export function createLogBucket(scope: Construct): s3.Bucket {
  return new s3.Bucket(scope, 'BuildLogs', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ prefix: 'build-logs/', expiration: Duration.days(90) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/** One topic for every pipeline's Image Builder notifications (AVAILABLE / FAILED), encrypted with `key`. */
export function createNotificationTopic(scope: Construct, key: kms.IKey): sns.Topic {
  const topic = new sns.Topic(scope, 'ImageBuilderNotifications', {
    displayName: 'Goldsmith Image Builder notifications',
    masterKey: key,
    enforceSSL: true,
  });
  // Image Builder publishes with its service-linked role, and no one else may
  // (https://docs.aws.amazon.com/imagebuilder/latest/userguide/integ-sns.html).
  admitPrincipalArn(
    topic,
    'topic:image-builder',
    `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`,
  );
  publishOnlyByWriters('image-builder', topic);
  return topic;
}

/**
 * The build instance role: Systems Manager (Image Builder drives builds through it), Image Builder's instance
 * policy, ECR push for container builds, and writing its own logs. Nothing else: builds need no more.
 */
export function createInstanceRole(scope: Construct, kind: ImageSpec['kind'], logBucket: s3.IBucket): iam.Role {
  const managed = ['AmazonSSMManagedInstanceCore', 'EC2InstanceProfileForImageBuilder'];
  if (kind === 'container') managed.push('EC2InstanceProfileForImageBuilderECRContainerBuilds');
  const role = new iam.Role(scope, kind === 'ami' ? 'AmiBuildRole' : 'ContainerBuildRole', {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    description: `Goldsmith ${kind} build and test instances`,
    managedPolicies: managed.map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
  });
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'WriteBuildLogs',
      actions: ['s3:PutObject'],
      resources: [logBucket.arnForObjects('build-logs/*')],
    }),
  );
  return role;
}

/** Creates the log bucket, the topic and the instance roles for the kinds of image the catalog has. */
export function createBuildInfrastructure(
  scope: Construct,
  kinds: ReadonlySet<ImageSpec['kind']>,
  topicKey: kms.IKey,
): BuildInfrastructure {
  const logBucket = createLogBucket(scope);
  const topic = createNotificationTopic(scope, topicKey);
  const instanceProfiles: BuildInfrastructure['instanceProfiles'] = {};
  const roles: BuildInfrastructure['roles'] = {};
  for (const kind of kinds) {
    const role = createInstanceRole(scope, kind, logBucket);
    const profile = new iam.CfnInstanceProfile(scope, kind === 'ami' ? 'AmiBuildProfile' : 'ContainerBuildProfile', {
      roles: [role.roleName],
    });
    roles[kind] = role;
    instanceProfiles[kind] = profile.ref;
  }
  return { logBucket, topic, instanceProfiles, roles };
}

/** The infrastructure configuration of one image: instance types, IMDSv2, logs, notifications. */
export function createInfrastructureConfiguration(
  scope: Construct,
  image: string,
  spec: ImageSpec,
  shared: BuildInfrastructure,
): CfnInfrastructureConfiguration {
  const instanceProfileName = shared.instanceProfiles[spec.kind];
  if (!instanceProfileName) throw new Error(`images.${image}: no instance profile for kind "${spec.kind}"`);
  return new CfnInfrastructureConfiguration(new Construct(scope, `${image}Infrastructure`), 'Resource', {
    name: pipelineName(image),
    description: `Goldsmith build infrastructure for ${image}`,
    instanceTypes: spec.instanceTypes,
    instanceProfileName,
    // IMDSv2 only; a container build talks to IMDS from inside Docker, one network hop further away.
    instanceMetadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: spec.kind === 'container' ? 2 : 1 },
    logging: { s3Logs: { s3BucketName: shared.logBucket.bucketName, s3KeyPrefix: buildLogPrefix(image) } },
    snsTopicArn: shared.topic.topicArn,
    terminateInstanceOnFailure: true,
    resourceTags: goldsmithTags(image),
    tags: goldsmithTags(image),
  });
}
