import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { s3Client } from '../../../aws/clients/s3.js';
import { localCloud, resetClients } from './helpers.js';

const BUCKET = 'goldsmith-test-sbom-123456789012-us-east-1';
const KEY = 'sbom/base/1.0.0-3/cyclonedx.json';

function cloud(versioned = true) {
  const local = localCloud();
  local.fakes.s3.createBucket(BUCKET, versioned);
  return local;
}

describe('S3Fake', () => {
  afterEach(resetClients);

  it('answers what was put, with the MD5 ETag, length and version; a new put is a new version', async () => {
    cloud();
    const s3 = s3Client();
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: '{"a":1}\n' }));
    expect(put.ETag).toBe(`"${createHash('md5').update('{"a":1}\n').digest('hex')}"`);

    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: KEY }));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));

    expect(head).toMatchObject({ ETag: put.ETag, ContentLength: 8, VersionId: put.VersionId });
    expect(await got.Body?.transformToString()).toBe('{"a":1}\n');
    const again = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: '{"a":2}\n' }));
    expect(again.VersionId).not.toBe(put.VersionId);
  });

  it('leaves a delete marker on a versioned bucket: the key is NoSuchKey to GetObject, NotFound to HeadObject', async () => {
    const { fakes } = cloud();
    const s3 = s3Client();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'x' }));

    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: KEY }));

    expect(deleted.DeleteMarker).toBe(true);
    await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }))).rejects.toMatchObject({
      name: 'NoSuchKey',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: KEY }))).rejects.toMatchObject({
      name: 'NotFound',
    });
    // The data stays as a noncurrent version behind the marker.
    expect(
      fakes.s3.buckets
        .get(BUCKET)
        ?.objects.get(KEY)
        ?.map((v) => v.deleteMarker ?? false),
    ).toEqual([false, true]);
    // Deleting a key that is not there is no error.
    await expect(s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'sbom/none' }))).resolves.toBeDefined();
  });

  it('lists the current keys under a prefix in order, a page at a time, leaving deleted ones out', async () => {
    cloud();
    const s3 = s3Client();
    for (const n of [3, 1, 2, 4]) {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `inspector/base/k${n}.json`, Body: `${n}` }));
    }
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

  it('answers NoSuchBucket for a bucket the stacks did not create', async () => {
    cloud();
    await expect(
      s3Client().send(new PutObjectCommand({ Bucket: 'someone-elses', Key: KEY, Body: 'x' })),
    ).rejects.toMatchObject({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } });
  });
});
