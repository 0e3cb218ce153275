import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { sbomBucketName } from '../../core/names.js';
import { s3Client } from '../clients/s3.js';
import type { PreflightCheck } from './preflight-check.js';
import { said } from './preflight-errors.js';

/**
 * Whether the stage's SBOM bucket name (`goldsmith-<stage>-sbom-<account>-<region>`, core/names.ts) is this account's
 * or free. Bucket names are global: any account may create one of that name first, and the deploy then fails on it
 * (a name taken before the stage's first deploy, or after its bucket was deleted). HeadBucket with the account as
 * `ExpectedBucketOwner`: 200 when this account owns it, 404 when no bucket has the name, 403 when another account owns
 * it ("If the account ID that you provide does not match the actual owner of the bucket, the request fails with the
 * HTTP status code 403 Forbidden (access denied)": https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html). Read-only.
 */
export async function sbomBucketCheck(stage: string, account: string, region: string): Promise<PreflightCheck> {
  const name = 'SBOM bucket name';
  const bucket = sbomBucketName(stage, account, region);
  try {
    await s3Client(region).send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: account }));
    return { name, status: 'ok', detail: `${bucket} is this account's` };
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) {
      return {
        name,
        status: 'ok',
        detail: `${bucket} is free: the deploy creates it (until then any account may take the name: deploy soon)`,
      };
    }
    if (status === 403) {
      return {
        name,
        status: 'missing',
        detail: `${bucket} exists in another account (or these credentials may not read it): the deploy cannot create the stage's SBOM bucket; deploy under another stage name, or have its owner delete it (docs/operating/sbom.md)`,
      };
    }
    return { name, status: 'not checked', detail: `cannot read ${bucket} (${said(error)})` };
  }
}
