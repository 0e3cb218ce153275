import { createHash } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { s3Client } from '../../../aws/clients/s3.js';
import { runAs } from '../../../local/trust/caller.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';

const BUCKET = 'goldsmith-test-sbom-123456789012-us-east-1';
const KEY = 'sbom/base/1.0.0-3/cyclonedx.json';
const WRITER = `arn:aws:sts::${ACCOUNT}:assumed-role/writer/function`;
const LISTER = `arn:aws:sts::${ACCOUNT}:assumed-role/lister/function`;

/** The `x-amz-delete-marker` header of an error's response, where the SDK leaves it. */
const deleteMarkerHeader = (error: unknown) =>
  (error as { $response?: { headers?: Record<string, string> } }).$response?.headers?.['x-amz-delete-marker'];

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
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY })).catch((e: unknown) => e);
    expect(got).toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    // S3 says the current version is a delete marker in a header, which the SDK leaves on the error's $response.
    expect(deleteMarkerHeader(got)).toBe('true');
    await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: KEY }))).rejects.toMatchObject({
      name: 'NotFound',
      message: 'UnknownError',
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

  it('answers NoSuchBucket for a bucket the stacks did not create, and HeadObject a bare NotFound', async () => {
    cloud();
    await expect(
      s3Client().send(new PutObjectCommand({ Bucket: 'someone-elses', Key: KEY, Body: 'x' })),
    ).rejects.toMatchObject({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } });
    // A HEAD response has no body: the SDK names its 404 NotFound whatever S3's code was.
    await expect(s3Client().send(new HeadObjectCommand({ Bucket: 'someone-elses', Key: KEY }))).rejects.toMatchObject({
      name: 'NotFound',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('answers a read of a key not there 403 to a caller without s3:ListBucket on the bucket, 404 to one with it', async () => {
    const { fakes } = cloud();
    fakes.s3.authorizeList = (principal, bucket) => principal === LISTER && bucket === BUCKET;
    const s3 = s3Client();
    const head = () => s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: KEY }));
    const get = () => s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));

    await expect(runAs(WRITER, head)).rejects.toMatchObject({ name: 'Unknown', $metadata: { httpStatusCode: 403 } });
    await expect(runAs(WRITER, get)).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(runAs(LISTER, head)).rejects.toMatchObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    await expect(runAs(LISTER, get)).rejects.toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    // An object that is there is answered to both.
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'x' }));
    await expect(runAs(WRITER, head)).resolves.toMatchObject({ ContentLength: 1 });
  });

  it('reads and deletes a version by VersionId: a delete marker read is 405, a version deleted is gone for good', async () => {
    const { fakes } = cloud();
    const s3 = s3Client();
    const first = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'one' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'two' }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: KEY }));

    const old = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY, VersionId: first.VersionId }));
    expect(await old.Body?.transformToString()).toBe('one');
    expect(old.VersionId).toBe(first.VersionId);
    const read = await s3
      .send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY, VersionId: marker.VersionId }))
      .catch((e: unknown) => e);
    expect(read).toMatchObject({ name: 'MethodNotAllowed', $metadata: { httpStatusCode: 405 } });
    expect(deleteMarkerHeader(read)).toBe('true');

    // Deleting the marker by its version brings the version before it back; no new marker is added.
    expect(
      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: KEY, VersionId: marker.VersionId })),
    ).toMatchObject({ DeleteMarker: true, VersionId: marker.VersionId });
    expect(fakes.s3.read(BUCKET, KEY)).toBe('two');
    const gone = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: KEY, VersionId: first.VersionId }));
    expect(gone.DeleteMarker).toBeUndefined();
    await expect(
      s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY, VersionId: first.VersionId })),
    ).rejects.toMatchObject({ name: 'NoSuchVersion', $metadata: { httpStatusCode: 404 } });
    expect(
      fakes.s3.buckets
        .get(BUCKET)
        ?.objects.get(KEY)
        ?.map((v) => v.body),
    ).toEqual(['two']);
  });

  it("evaluates a read's preconditions: If-Match and If-Unmodified-Since fail 412, If-None-Match and If-Modified-Since 304", async () => {
    const { clock } = cloud();
    const s3 = s3Client();
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'x' }));
    const before = new Date(clock.now() - 60_000);
    const after = new Date(clock.now() + 60_000);
    const get = (conditions: Record<string, unknown>) =>
      s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY, ...conditions }));
    const head = (conditions: Record<string, unknown>) =>
      s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: KEY, ...conditions }));

    await expect(get({ IfMatch: put.ETag })).resolves.toMatchObject({ ETag: put.ETag });
    await expect(get({ IfMatch: '"other"' })).rejects.toMatchObject({ name: 'PreconditionFailed' });
    await expect(head({ IfMatch: '"other"' })).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    await expect(get({ IfUnmodifiedSince: before })).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    await expect(get({ IfNoneMatch: put.ETag })).rejects.toMatchObject({ $metadata: { httpStatusCode: 304 } });
    await expect(head({ IfModifiedSince: after })).rejects.toMatchObject({ $metadata: { httpStatusCode: 304 } });
    await expect(get({ IfModifiedSince: before })).resolves.toMatchObject({ ETag: put.ETag });
    // If-Match holding decides over If-Unmodified-Since failing; If-None-Match failing over If-Modified-Since holding.
    await expect(get({ IfMatch: put.ETag, IfUnmodifiedSince: before })).resolves.toMatchObject({ ETag: put.ETag });
    await expect(get({ IfNoneMatch: put.ETag, IfModifiedSince: before })).rejects.toMatchObject({
      $metadata: { httpStatusCode: 304 },
    });
  });

  it('writes with If-None-Match: * only when the key holds no object, with If-Match only over that ETag', async () => {
    const { fakes } = cloud();
    const s3 = s3Client();
    const put = (Body: string, condition: Record<string, string>) =>
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body, ...condition }));

    await expect(put('a', { IfMatch: '"any"' })).rejects.toMatchObject({ name: 'NoSuchKey' });
    const first = await put('a', { IfNoneMatch: '*' });
    await expect(put('b', { IfNoneMatch: '*' })).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
    await expect(put('b', { IfMatch: '"stale"' })).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    await put('b', { IfMatch: first.ETag ?? '' });
    expect(fakes.s3.read(BUCKET, KEY)).toBe('b');
    // A delete marker is no object: the write-once put goes through again.
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: KEY }));
    await put('c', { IfNoneMatch: '*' });
    expect(fakes.s3.read(BUCKET, KEY)).toBe('c');
  });

  it('refuses openly what the local cloud does not model: a ranged read, If-None-Match with an ETag on a write', async () => {
    cloud();
    const s3 = s3Client();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'x' }));
    await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY, Range: 'bytes=0-1' }))).rejects.toThrow(
      'not modelled by the local cloud: S3 GetObject with Range',
    );
    await expect(
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'y', IfNoneMatch: '"abc"' })),
    ).rejects.toThrow(/not modelled by the local cloud: S3 PutObject with If-None-Match other than \*/);
  });

  it('refuses a call that expects another owner than the account that created the bucket: 403, nothing written', async () => {
    const { fakes } = cloud();
    fakes.s3.createBucket('taken-by-someone-else', true, '999999999999');
    const s3 = s3Client();
    const put = await s3
      .send(
        new PutObjectCommand({ Bucket: 'taken-by-someone-else', Key: KEY, Body: 'x', ExpectedBucketOwner: ACCOUNT }),
      )
      .catch((e: unknown) => e);
    expect(put).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(fakes.s3.read('taken-by-someone-else', KEY)).toBeUndefined();
    // The account's own bucket, expected as its own, answers as without the condition.
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'x', ExpectedBucketOwner: ACCOUNT }));
    expect(fakes.s3.read(BUCKET, KEY)).toBe('x');
  });
});
