import { S3Client } from '@aws-sdk/client-s3';
import { makeClient } from './registry.js';

/** The cached S3 client for `region` (default: the function's own region). */
export function s3Client(region?: string): S3Client {
  return makeClient('s3', S3Client, region);
}

/** The SBOM bucket's name: `SBOM_BUCKET`, which the stacks set on every function that keeps or deletes SBOMs. */
export function sbomBucket(): string {
  const name = process.env.SBOM_BUCKET;
  if (!name) throw new Error('SBOM_BUCKET is not set');
  return name;
}

/**
 * The account that must own the SBOM bucket (`SBOM_BUCKET_OWNER`, the deployment's account, set with `SBOM_BUCKET`),
 * as each call's `ExpectedBucketOwner`: bucket names are global, so a bucket of that name in another account (created
 * while the stage's was missing) answers 403 instead of being read or written
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html). `{}` where it is not set.
 */
export function sbomBucketOwner(): { ExpectedBucketOwner?: string } {
  const owner = process.env.SBOM_BUCKET_OWNER;
  return owner ? { ExpectedBucketOwner: owner } : {};
}
