import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { s3Client } from '../../../aws/clients/s3.js';
import { localCloud, resetClients } from './helpers.js';

const BUCKET = 'goldsmith-test-sbom-123456789012-us-east-1';

/** A bucket holding `keys`, each with its own number as data. */
async function bucketOf(keys: readonly string[]) {
  const local = localCloud();
  local.fakes.s3.createBucket(BUCKET, true);
  for (const [n, key] of keys.entries()) {
    await s3Client().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `${n}` }));
  }
  return local;
}

const list = (input: Omit<ConstructorParameters<typeof ListObjectsV2Command>[0], 'Bucket'>) =>
  s3Client().send(new ListObjectsV2Command({ Bucket: BUCKET, ...input }));

describe("S3Fake's ListObjectsV2", () => {
  afterEach(resetClients);

  it('lists the current keys under a prefix in order, a page at a time, leaving deleted ones out', async () => {
    await bucketOf(['inspector/base/k3.json', 'inspector/base/k1.json', 'inspector/base/k2.json']);
    const s3 = s3Client();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'inspector/base/k4.json', Body: '4' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sbom/base/other.json', Body: 'x' }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'inspector/base/k4.json' }));

    const pages = [];
    for await (const page of paginateListObjectsV2(
      { client: s3, pageSize: 2 },
      { Bucket: BUCKET, Prefix: 'inspector/' },
    )) {
      pages.push((page.Contents ?? []).map((c) => `${c.Key} ${c.Size}`));
    }
    expect(pages).toEqual([['inspector/base/k1.json 1', 'inspector/base/k2.json 1'], ['inspector/base/k3.json 1']]);
  });

  it('rolls keys up into CommonPrefixes at the Delimiter, each counting as one key towards MaxKeys', async () => {
    await bucketOf(['sbom/a/1/x.json', 'sbom/a/2/x.json', 'sbom/b/1/x.json', 'sbom/readme', 'sbom/z/1/x.json']);

    const first = await list({ Prefix: 'sbom/', Delimiter: '/', MaxKeys: 3 });
    const second = await list({ Prefix: 'sbom/', Delimiter: '/', ContinuationToken: first.NextContinuationToken });

    expect(first).toMatchObject({
      CommonPrefixes: [{ Prefix: 'sbom/a/' }, { Prefix: 'sbom/b/' }],
      Contents: [{ Key: 'sbom/readme' }],
      KeyCount: 3,
      IsTruncated: true,
      Delimiter: '/',
    });
    expect(second).toMatchObject({ CommonPrefixes: [{ Prefix: 'sbom/z/' }], KeyCount: 1, IsTruncated: false });
    expect(second.Contents).toBeUndefined();
  });

  it('starts after StartAfter, and answers MaxKeys 0 with no key, not truncated, no token', async () => {
    await bucketOf(['k1', 'k2', 'k3']);

    const after = await list({ StartAfter: 'k1' });
    const none = await list({ MaxKeys: 0 });

    expect(after.Contents?.map((c) => c.Key)).toEqual(['k2', 'k3']);
    expect(after.StartAfter).toBe('k1');
    expect(none).toMatchObject({ KeyCount: 0, MaxKeys: 0, IsTruncated: false });
    expect(none.Contents).toBeUndefined();
    expect(none.NextContinuationToken).toBeUndefined();
  });

  it('continues after the last key returned, so a key deleted between pages skips no other', async () => {
    await bucketOf(['k1', 'k2', 'k3', 'k4']);

    const first = await list({ MaxKeys: 2 });
    await s3Client().send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'k1' }));
    const second = await list({ MaxKeys: 2, ContinuationToken: first.NextContinuationToken });

    expect(first.Contents?.map((c) => c.Key)).toEqual(['k1', 'k2']);
    expect(second.Contents?.map((c) => c.Key)).toEqual(['k3', 'k4']);
    await expect(list({ ContinuationToken: 'not-a-token' })).rejects.toMatchObject({
      name: 'InvalidArgument',
      $metadata: { httpStatusCode: 400 },
    });
  });
});
