import { HeadBucketCommand, NotFound, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { sbomBucketCheck } from '../../../aws/preflight/preflight-sbom-bucket.js';
import { mockClient } from '../../helpers/mock-client.js';

const s3 = mockClient(S3Client);
const ACCOUNT = '111122223333';
const BUCKET = `goldsmith-prod-sbom-${ACCOUNT}-eu-west-1`;

afterEach(() => s3.reset());

const denied = () =>
  new S3ServiceException({ name: 'Forbidden', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: '' });

describe("the preflight of the stage's SBOM bucket name, which any account could take first", () => {
  it("passes a bucket of this account's, asked with this account as its expected owner, and a free name", async () => {
    s3.on(HeadBucketCommand, { Bucket: BUCKET, ExpectedBucketOwner: ACCOUNT }).resolves({});
    expect(await sbomBucketCheck('prod', ACCOUNT, 'eu-west-1')).toEqual({
      name: 'SBOM bucket name',
      status: 'ok',
      detail: `${BUCKET} is this account's`,
    });
    s3.reset();
    s3.on(HeadBucketCommand).rejects(new NotFound({ $metadata: { httpStatusCode: 404 }, message: '' }));
    expect(await sbomBucketCheck('prod', ACCOUNT, 'eu-west-1')).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining('is free'),
    });
  });

  it('refuses a name another account took (403 with ExpectedBucketOwner), saying what to do', async () => {
    s3.on(HeadBucketCommand).rejects(denied());
    const check = await sbomBucketCheck('prod', ACCOUNT, 'eu-west-1');
    expect(check.status).toBe('missing');
    expect(check.detail).toContain(`${BUCKET} exists in another account`);
    expect(check.detail).toContain('deploy under another stage name');
  });
});
