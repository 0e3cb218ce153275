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
