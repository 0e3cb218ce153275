import { Aws, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { INSPECTOR_EXPORT_PREFIX } from '../../core/sbom/inspector-export.js';
import { sbomBucketName } from '../names.js';
import { admitRole, subscriptionManagers, writersOnly } from '../resource-doors.js';

/** The door of the SBOM bucket's objects: the roles that write, read back and delete SBOMs register here. */
export const SBOM_DOOR = 'bucket:sbom';

/** How long a replaced or deleted SBOM's earlier version stays (a rewrite is byte-identical, so rarely any). */
export const SBOM_NONCURRENT_DAYS = 90;

/** S3 bucket names are 3 to 63 characters (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
const BUCKET_NAME_MAX = 63;

/**
 * The IAM actions on an SBOM object that only Goldsmith's registered roles may make, as the Service Authorization
 * Reference names them (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html): read,
 * write and delete, and every other way to change an object or make one appear: replicas written into the bucket
 * (ReplicateObject, ReplicateDelete, ReplicateTags), its tags, ACLs (refused anyway while ACLs are disabled), Object
 * Lock retention and legal hold, and a restore.
 */
export const SBOM_OBJECT_ACTIONS = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:PutObject',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:ReplicateObject',
  's3:ReplicateDelete',
  's3:ReplicateTags',
  's3:PutObjectTagging',
  's3:PutObjectVersionTagging',
  's3:DeleteObjectTagging',
  's3:DeleteObjectVersionTagging',
  's3:PutObjectAcl',
  's3:PutObjectVersionAcl',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:BypassGovernanceRetention',
  's3:RestoreObject',
] as const;

/**
 * The IAM actions on the SBOM bucket that only the deployment may make (same reference). Several authorize an API
 * operation of another name: PutBucketReplication and DeleteBucketReplication are s3:PutReplicationConfiguration,
 * PutBucketNotificationConfiguration is s3:PutBucketNotification, PutBucketInventoryConfiguration,
 * PutBucketAnalyticsConfiguration, PutBucketMetricsConfiguration, PutBucketIntelligentTieringConfiguration and
 * PutBucketAccelerateConfiguration drop the `Bucket`, PutObjectLockConfiguration is
 * s3:PutBucketObjectLockConfiguration, and DeleteBucketOwnershipControls is s3:PutBucketOwnershipControls.
 */
export const SBOM_CONFIGURATION_ACTIONS = [
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutEncryptionConfiguration',
  's3:PutBucketVersioning',
  's3:PutLifecycleConfiguration',
  's3:PutBucketPublicAccessBlock',
  's3:PutReplicationConfiguration',
  's3:PutBucketOwnershipControls',
  's3:PutBucketNotification',
  's3:PutBucketAcl',
  's3:PutBucketCORS',
  's3:PutBucketWebsite',
  's3:DeleteBucketWebsite',
  's3:PutBucketObjectLockConfiguration',
  's3:PutBucketTagging',
  's3:PutBucketLogging',
  's3:PutBucketRequestPayment',
  's3:PutInventoryConfiguration',
  's3:PutAnalyticsConfiguration',
  's3:PutMetricsConfiguration',
  's3:PutIntelligentTieringConfiguration',
  's3:PutAccelerateConfiguration',
] as const;

/**
 * The bucket that keeps each version's SBOMs (`sbom/<image>/<version>/cyclonedx.json`, `spdx.json`).
 *
 * - Encryption: S3-managed keys (SSE-S3). An SBOM lists packages, not secrets; who may read it is the bucket
 *   policy's business, and SSE-S3 asks no KMS permission of every writer and reader and no per-request KMS cost.
 * - Versioned, so an overwritten or deleted SBOM can be recovered until its noncurrent version expires
 *   (lifecycle: noncurrent versions after SBOM_NONCURRENT_DAYS, stray delete markers, incomplete uploads).
 * - Block Public Access, all four settings; ACLs disabled (bucket owner enforced).
 * - Policy: every request without TLS is denied (`aws:SecureTransport`,
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html); object reads and writes
 *   by anyone but the roles registered through the door (Goldsmith's functions, by `aws:PrincipalArn`) are
 *   denied, and so are replicas, tags, ACLs, retention and restores of them (SBOM_OBJECT_ACTIONS); changing the
 *   bucket's policy, encryption, versioning, lifecycle, public access, replication, ownership, notifications, ACL,
 *   CORS, website, Object Lock, tags, logging or inventory, analytics and metrics configurations by anyone but the
 *   deployment (CloudFormation's execution role) is denied (SBOM_CONFIGURATION_ACTIONS).
 * - Retained (RetainExceptOnCreate): SBOMs are the record of what shipped, kept past the stack.
 */
export function createSbomBucket(scope: Construct, stage: string): s3.Bucket {
  const stack = Stack.of(scope);
  const name = sbomBucketName(stage, Aws.ACCOUNT_ID, Aws.REGION);
  if (!/^[a-z0-9-]+$/.test(stage)) {
    throw new Error(`stage "${stage}": the SBOM bucket's name takes lower-case letters, digits and hyphens only`);
  }
  if (!Token.isUnresolved(stack.account) && !Token.isUnresolved(stack.region)) {
    const resolved = sbomBucketName(stage, stack.account, stack.region);
    if (resolved.length > BUCKET_NAME_MAX) {
      throw new Error(`stage "${stage}" makes the SBOM bucket's name ${resolved.length} characters (S3 allows 63)`);
    }
  }
  const bucket = new s3.Bucket(scope, 'SbomBucket', {
    bucketName: name,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [
      {
        id: 'noncurrent-versions',
        noncurrentVersionExpiration: Duration.days(SBOM_NONCURRENT_DAYS),
        expiredObjectDeleteMarker: true,
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      },
    ],
    // Retained on update and delete; a failed first deploy's rollback deletes it (CloudFormation's
    // RetainExceptOnCreate), so the retry does not meet a bucket of the same fixed name left behind.
    removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
  });
  bucket.addToResourcePolicy(
    writersOnly(scope, SBOM_DOOR, {
      sid: 'ObjectsOnlyByGoldsmith',
      actions: [...SBOM_OBJECT_ACTIONS],
      resource: bucket.arnForObjects('*'),
      // Inspector's SBOM exports, by the account's Inspector (the Allow below admits them under `inspector/` only).
      extraSources: () => [inspectorSourceArns()],
    }),
  );
  // "Your Amazon S3 bucket policy must allow Amazon Inspector to add objects to it"
  // (https://docs.aws.amazon.com/inspector/latest/user/findings-managing-exporting-reports.html): Inspector's service
  // principal may write under `inspector/` only, for this account's Inspector in this Region (`aws:SourceAccount`,
  // `aws:SourceArn`, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn).
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'InspectorSbomExports',
      principals: [new iam.ServicePrincipal('inspector2.amazonaws.com')],
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resources: [bucket.arnForObjects(`${INSPECTOR_EXPORT_PREFIX}*`)],
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': inspectorSourceArns() },
      },
    }),
  );
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'ConfigurationOnlyByDeployment',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: [...SBOM_CONFIGURATION_ACTIONS],
      resources: [bucket.bucketArn],
      conditions: { ArnNotLike: { 'aws:PrincipalArn': subscriptionManagers() } },
    }),
  );
  return bucket;
}

/** Any Inspector resource of the deployment's account and Region (its SBOM reports): the `aws:SourceArn` admitted. */
export function inspectorSourceArns(): string {
  return `arn:${Aws.PARTITION}:inspector2:${Aws.REGION}:${Aws.ACCOUNT_ID}:*`;
}

/** Where each version's SBOMs are kept in the bucket (core/names.ts `sbomObjectKey`). */
const SBOM_PREFIX = 'sbom/';

/**
 * Lets `fn`'s role make `actions` on the SBOMs of the bucket named `bucket` (`sbom/*`), admits it through the bucket's
 * door and tells it the bucket (`SBOM_BUCKET`) and its owner (`SBOM_BUCKET_OWNER`, the deployment's account). HeadObject is authorized as s3:GetObject; ListObjectsV2 as
 * s3:ListBucket on the bucket, granted here for listings under `sbom/` only (`s3:prefix`,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html). A role without s3:ListBucket is answered
 * 403, not 404, when it reads a key that is not there (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html):
 * aws/sbom/sbom-objects.ts asks the write (`If-None-Match: *`) or the listing whether a key is there, never a read.
 */
export function grantSbomObjects(
  fn: iam.IGrantable & Construct & { addEnvironment(key: string, value: string): unknown; role?: iam.IRole },
  bucket: string,
  actions: readonly ('s3:GetObject' | 's3:PutObject' | 's3:DeleteObject' | 's3:ListBucket')[],
): void {
  fn.addEnvironment('SBOM_BUCKET', bucket);
  // The bucket's name is global: each call names the account that must own it (aws/clients/s3.ts's sbomBucketOwner).
  fn.addEnvironment('SBOM_BUCKET_OWNER', Aws.ACCOUNT_ID);
  const objectActions = actions.filter((a) => a !== 's3:ListBucket');
  if (objectActions.length > 0) {
    fn.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: objectActions,
        resources: [`arn:${Aws.PARTITION}:s3:::${bucket}/${SBOM_PREFIX}*`],
      }),
    );
  }
  if (actions.includes('s3:ListBucket')) {
    fn.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [`arn:${Aws.PARTITION}:s3:::${bucket}`],
        conditions: { StringLike: { 's3:prefix': [`${SBOM_PREFIX}*`] } },
      }),
    );
  }
  admitRole(fn, SBOM_DOOR, fn.role);
}
