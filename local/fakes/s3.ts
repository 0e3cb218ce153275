import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { NoSuchBucket, NoSuchKey, NotFound, S3ServiceException } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { errorFactory, type FakeCall, type FakeService, NotImplementedByFakeError, paginate } from './common.js';

/**
 * Amazon S3, for the calls Goldsmith makes on its SBOM bucket (PutObject, GetObject, HeadObject, DeleteObject,
 * ListObjectsV2) and what Inspector's SBOM export writes there (`putFromService`). Buckets exist as the stacks create them (with their
 * versioning); objects keep every version, as a versioned bucket does:
 * - PutObject stores a new version and answers its `ETag` (the MD5 of the data, quoted, for a single-part upload
 *   encrypted with SSE-S3: https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html) and, on a versioned
 *   bucket, its `VersionId` (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html).
 * - GetObject / HeadObject answer the current version; a missing key (or one whose current version is a delete
 *   marker) is `NoSuchKey` for GetObject and a bare 404 (`NotFound`) for HeadObject, which has no body
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html,
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
 * - DeleteObject without a version on a versioned bucket adds a delete marker (the data stays as a noncurrent
 *   version); on an unversioned bucket it removes the object; a key that does not exist is no error
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html).
 * - ListObjectsV2 lists the keys whose current version is not a delete marker, in UTF-8 binary order, at most
 *   `MaxKeys` (default and most 1,000) a page, from a `Prefix`; a page that is not the last says `IsTruncated` and
 *   gives a `NextContinuationToken`; an unknown token is `InvalidArgument`
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
 * - A bucket that does not exist is `NoSuchBucket` (404).
 * Who may call is the bucket policy's business: the local cloud's doors (local/simulator/cloud-doors.ts).
 */

const err = errorFactory(S3ServiceException);

/** One version of an object: its data (UTF-8 text: SBOMs are JSON) or a delete marker. */
export interface ObjectVersion {
  versionId: string;
  body?: string | undefined;
  etag?: string | undefined;
  contentType?: string | undefined;
  lastModified: string;
  deleteMarker?: boolean | undefined;
}

export interface BucketRecord {
  name: string;
  versioned: boolean;
  /** Every version of each key, oldest first. */
  objects: Map<string, ObjectVersion[]>;
}

/** A request's body as text: the SDK passes what the caller gave (a string, bytes). */
function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  if (body === undefined) return '';
  throw new NotImplementedByFakeError('s3', 'PutObject with a streamed body');
}

export class S3Fake implements FakeService {
  readonly buckets = new Map<string, BucketRecord>();
  private versions = 0;

  constructor(private readonly now: () => number) {}

  /** A bucket as its stack creates it. */
  createBucket(name: string, versioned: boolean): void {
    if (!this.buckets.has(name)) this.buckets.set(name, { name, versioned, objects: new Map() });
  }

  handle(call: FakeCall): unknown {
    const { input } = call;
    const bucket = this.bucket(input.Bucket);
    const key = String(input.Key ?? '');
    switch (call.action) {
      case 'PutObject':
        return this.put(bucket, key, bodyText(input.Body), input.ContentType as string | undefined);
      case 'GetObject':
        return this.get(bucket, key, 'GetObject');
      case 'HeadObject':
        return this.get(bucket, key, 'HeadObject');
      case 'DeleteObject':
        return this.remove(bucket, key);
      case 'ListObjectsV2':
        return this.list(bucket, input);
      default:
        throw new NotImplementedByFakeError('s3', call.action);
    }
  }

  /** An AWS service writing to the bucket as its policy lets it (Inspector's SBOM export). */
  putFromService(bucketName: string, key: string, body: string, contentType = 'application/json'): void {
    this.put(this.bucket(bucketName), key, body, contentType);
  }

  /** The current data of an object, or undefined (tests and scenarios read what was written). */
  read(bucketName: string, key: string): string | undefined {
    const current = this.buckets.get(bucketName)?.objects.get(key)?.at(-1);
    return current?.deleteMarker ? undefined : current?.body;
  }

  private bucket(name: unknown): BucketRecord {
    const found = typeof name === 'string' ? this.buckets.get(name) : undefined;
    if (!found) throw err(NoSuchBucket, 'The specified bucket does not exist', 404);
    return found;
  }

  private nextVersion(bucket: BucketRecord): string {
    this.versions++;
    return bucket.versioned ? `v${String(this.versions).padStart(8, '0')}` : 'null';
  }

  private put(bucket: BucketRecord, key: string, body: string, contentType: string | undefined) {
    const etag = `"${createHash('md5').update(body, 'utf8').digest('hex')}"`;
    const version: ObjectVersion = {
      versionId: this.nextVersion(bucket),
      body,
      etag,
      contentType,
      lastModified: new Date(this.now()).toISOString(),
    };
    const kept = bucket.versioned ? (bucket.objects.get(key) ?? []) : [];
    bucket.objects.set(key, [...kept, version]);
    return { ETag: etag, ...(bucket.versioned ? { VersionId: version.versionId } : {}) };
  }

  private get(bucket: BucketRecord, key: string, action: 'GetObject' | 'HeadObject') {
    const current = bucket.objects.get(key)?.at(-1);
    if (!current || current.deleteMarker || current.body === undefined) {
      if (action === 'HeadObject') throw err(NotFound, 'Not Found', 404);
      throw err(NoSuchKey, 'The specified key does not exist.', 404);
    }
    const meta = {
      ETag: current.etag,
      ContentLength: Buffer.byteLength(current.body, 'utf8'),
      ContentType: current.contentType,
      LastModified: new Date(current.lastModified),
      ...(bucket.versioned ? { VersionId: current.versionId } : {}),
    };
    if (action === 'HeadObject') return meta;
    return { ...meta, Body: sdkStreamMixin(Readable.from([Buffer.from(current.body, 'utf8')])) };
  }

  private list(bucket: BucketRecord, input: Record<string, unknown>) {
    const prefix = typeof input.Prefix === 'string' ? input.Prefix : '';
    const keys = [...bucket.objects]
      .filter(([key, versions]) => key.startsWith(prefix) && !versions.at(-1)?.deleteMarker)
      .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const page = paginate(keys, input.MaxKeys, input.ContinuationToken, {
      max: 1000,
      invalidToken: () => err('InvalidArgument', 'The continuation token provided is incorrect', 400),
    });
    const contents = page.items.map(([key, versions]) => {
      const current = versions.at(-1);
      return {
        Key: key,
        ETag: current?.etag,
        Size: Buffer.byteLength(current?.body ?? '', 'utf8'),
        LastModified: new Date(current?.lastModified ?? 0),
        StorageClass: 'STANDARD',
      };
    });
    return {
      Name: bucket.name,
      Prefix: prefix,
      KeyCount: contents.length,
      MaxKeys: typeof input.MaxKeys === 'number' ? input.MaxKeys : 1000,
      IsTruncated: page.nextToken !== undefined,
      ...(contents.length > 0 ? { Contents: contents } : {}),
      ...(page.nextToken ? { NextContinuationToken: page.nextToken } : {}),
    };
  }

  private remove(bucket: BucketRecord, key: string) {
    if (!bucket.versioned) {
      bucket.objects.delete(key);
      return {};
    }
    const marker: ObjectVersion = {
      versionId: this.nextVersion(bucket),
      deleteMarker: true,
      lastModified: new Date(this.now()).toISOString(),
    };
    bucket.objects.set(key, [...(bucket.objects.get(key) ?? []), marker]);
    return { DeleteMarker: true, VersionId: marker.versionId };
  }
}
