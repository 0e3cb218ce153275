import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { sdkStreamMixin } from '@smithy/util-stream';
import { type FakeCall, type FakeService, NotImplementedByFakeError } from './common.js';
import {
  checkReadPreconditions,
  checkWritePreconditions,
  NotModelledError,
  type ObjectAction,
  refuseUnmodelled,
  s3Errors,
} from './s3-answers.js';
import { type ListedObject, listObjectsV2 } from './s3-list.js';

/**
 * Amazon S3, for the calls Goldsmith makes on its SBOM bucket (PutObject, GetObject, HeadObject, DeleteObject,
 * ListObjectsV2) and what Inspector's SBOM export writes there (`putFromService`). Buckets exist as the stacks create them (with their
 * versioning); objects keep every version, as a versioned bucket does:
 * - PutObject stores a new version and answers its `ETag` (the MD5 of the data, quoted, for a single-part upload
 *   encrypted with SSE-S3: https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html) and, on a versioned
 *   bucket, its `VersionId` (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html); `If-None-Match: *`
 *   and `If-Match` make it conditional (s3-answers.ts).
 * - GetObject / HeadObject answer the current version, or the `VersionId` asked for; preconditions as S3 evaluates
 *   them (s3-answers.ts). A key that is not there (or whose current version is a delete marker, then with
 *   `x-amz-delete-marker: true`) is 404 (`NoSuchKey`, HEAD's bare `NotFound`) to a caller who holds `s3:ListBucket`
 *   on the bucket and 403 (`AccessDenied`, HEAD's bare 403) to one who does not: "If you don't have the
 *   s3:ListBucket permission, Amazon S3 returns an HTTP status code 403 Forbidden error"
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html,
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html). Who holds it is `authorizeList`'s answer
 *   (the local cloud evaluates the caller's role policies and the bucket policy, local/simulator/cloud.ts). A
 *   version that is a delete marker is 405 `MethodNotAllowed`.
 * - DeleteObject without a version on a versioned bucket adds a delete marker (the data stays as a noncurrent
 *   version) and answers `DeleteMarker: true` with the marker's `VersionId`; with a `VersionId` it removes that
 *   version for good, answering `DeleteMarker: true` when the version removed was a marker; on an unversioned bucket
 *   it removes the object; a key that does not exist is no error
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html,
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html).
 * - ListObjectsV2: s3-list.ts.
 * - A bucket that does not exist is `NoSuchBucket` (404), HEAD's bare `NotFound`.
 * Request parameters the fake does not model are refused openly (`NotModelledError`). Who may make each call is the
 * bucket policy's and the caller's role's business: the local cloud's doors (local/simulator/cloud-doors.ts).
 */

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
  /** The account that created it, which `ExpectedBucketOwner` is checked against. */
  owner: string;
  /** Every version of each key, oldest first. */
  objects: Map<string, ObjectVersion[]>;
}

/** Whether `principal` (undefined: the local cloud itself) holds `s3:ListBucket` on `bucket`. */
export type ListAuthorizer = (principal: string | undefined, bucket: string) => boolean | Promise<boolean>;

/** A request's body as text: the SDK passes what the caller gave (a string, bytes). */
function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  if (body === undefined) return '';
  throw new NotModelledError('PutObject with a streamed body');
}

/** The current version of a key when it holds data (not a delete marker). */
const currentObject = (versions: readonly ObjectVersion[] | undefined) => {
  const current = versions?.at(-1);
  return current && !current.deleteMarker && current.body !== undefined ? current : undefined;
};

export class S3Fake implements FakeService {
  readonly buckets = new Map<string, BucketRecord>();
  private versions = 0;
  /**
   * Who holds `s3:ListBucket`: by default everyone (a test's caller is the account itself); the local cloud puts the
   * caller's role and the bucket policy here.
   */
  authorizeList: ListAuthorizer = () => true;

  /** `account`: the local cloud's, which creates every bucket unless a test names another owner. */
  constructor(
    private readonly now: () => number,
    private readonly account = '123456789012',
  ) {}

  /** A bucket as its stack creates it (in the local cloud's account, unless `owner` names another). */
  createBucket(name: string, versioned: boolean, owner = this.account): void {
    if (!this.buckets.has(name)) this.buckets.set(name, { name, versioned, owner, objects: new Map() });
  }

  async handle(call: FakeCall): Promise<unknown> {
    const { input, action } = call;
    const found = typeof input.Bucket === 'string' ? this.buckets.get(input.Bucket) : undefined;
    if (!found) throw s3Errors.noSuchBucket(action);
    refuseUnmodelled(action, input);
    // A bucket another account owns than the one the caller expects: 403 Access Denied
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html).
    const expected = input.ExpectedBucketOwner;
    if (typeof expected === 'string' && expected !== found.owner) throw s3Errors.notExpectedOwner(action);
    const key = String(input.Key ?? '');
    switch (action) {
      case 'PutObject':
        checkWritePreconditions(input, this.currentOf(found, key));
        return this.put(found, key, bodyText(input.Body), input.ContentType as string | undefined);
      case 'GetObject':
      case 'HeadObject':
        return this.get(found, key, action, input, call.principal);
      case 'DeleteObject':
        return this.remove(found, key, input.VersionId);
      case 'ListObjectsV2':
        return listObjectsV2(found.name, this.listed(found), input);
      default:
        throw new NotImplementedByFakeError('s3', action);
    }
  }

  /** An AWS service writing to the bucket as its policy lets it (Inspector's SBOM export). */
  putFromService(bucketName: string, key: string, body: string, contentType = 'application/json'): void {
    const bucket = this.buckets.get(bucketName);
    if (!bucket) throw s3Errors.noSuchBucket('PutObject');
    this.put(bucket, key, body, contentType);
  }

  /** The current data of an object, or undefined (tests and scenarios read what was written). */
  read(bucketName: string, key: string): string | undefined {
    return currentObject(this.buckets.get(bucketName)?.objects.get(key))?.body;
  }

  private currentOf(bucket: BucketRecord, key: string) {
    const current = currentObject(bucket.objects.get(key));
    return current?.etag ? { etag: current.etag, lastModified: current.lastModified } : undefined;
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

  private async get(
    bucket: BucketRecord,
    key: string,
    action: ObjectAction,
    input: Record<string, unknown>,
    principal: string | undefined,
  ) {
    const versions = bucket.objects.get(key) ?? [];
    const asked = typeof input.VersionId === 'string' ? input.VersionId : undefined;
    const version = asked === undefined ? versions.at(-1) : versions.find((v) => v.versionId === asked);
    if (version?.deleteMarker && asked !== undefined) throw s3Errors.deleteMarkerVersion(action, version.lastModified);
    if (!version || version.deleteMarker || version.body === undefined) {
      const mayList = await this.authorizeList(principal, bucket.name);
      throw s3Errors.missing(action, {
        mayList,
        version: asked !== undefined,
        deleteMarker: version?.deleteMarker === true,
      });
    }
    checkReadPreconditions(action, input, { etag: version.etag ?? '', lastModified: version.lastModified });
    const meta = {
      ETag: version.etag,
      ContentLength: Buffer.byteLength(version.body, 'utf8'),
      ContentType: version.contentType,
      LastModified: new Date(version.lastModified),
      ...(bucket.versioned || asked !== undefined ? { VersionId: version.versionId } : {}),
    };
    if (action === 'HeadObject') return meta;
    return { ...meta, Body: sdkStreamMixin(Readable.from([Buffer.from(version.body, 'utf8')])) };
  }

  private listed(bucket: BucketRecord): ListedObject[] {
    return [...bucket.objects].flatMap(([key, versions]) => {
      const current = currentObject(versions);
      if (!current) return [];
      return [
        {
          key,
          etag: current.etag,
          size: Buffer.byteLength(current.body ?? '', 'utf8'),
          lastModified: current.lastModified,
        },
      ];
    });
  }

  private remove(bucket: BucketRecord, key: string, versionId: unknown) {
    const versions = bucket.objects.get(key) ?? [];
    if (typeof versionId === 'string') {
      const at = versions.findIndex((v) => v.versionId === versionId);
      if (at < 0) throw new NotModelledError('DeleteObject of a version the key does not hold');
      const [removed] = versions.splice(at, 1);
      if (versions.length === 0) bucket.objects.delete(key);
      return { VersionId: versionId, ...(removed?.deleteMarker ? { DeleteMarker: true } : {}) };
    }
    if (!bucket.versioned) {
      bucket.objects.delete(key);
      return {};
    }
    const marker: ObjectVersion = {
      versionId: this.nextVersion(bucket),
      deleteMarker: true,
      lastModified: new Date(this.now()).toISOString(),
    };
    bucket.objects.set(key, [...versions, marker]);
    return { DeleteMarker: true, VersionId: marker.versionId };
  }
}
