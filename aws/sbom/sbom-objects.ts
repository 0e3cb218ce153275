import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  PutObjectCommand,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk } from '../../core/ledger/keys.js';
import { sbomObjectKey } from '../../core/names.js';
import type { ImageContent } from '../../core/sbom/model.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { s3Client, sbomBucket } from '../clients/s3.js';

/**
 * A version's SBOM documents in the SBOM bucket (`sbom/<image>/<version with '/' as '-'>/<file>`) and the ledger's
 * word that they are kept (`SBOM#<version>`): written only once S3 answers each object back as written.
 */

/** The documents of a version by file name (`cyclonedx.json`, `spdx.json`), from its content. */
export type SbomRenderer = (content: ImageContent) => Record<string, object>;

export const SBOM_PREFIX = 'SBOM#';
export const sbomSk = (version: string): string => `${SBOM_PREFIX}${version}`;

/** One document as kept: where, how many bytes, its SHA-256 (hex) and S3's ETag and version of it. */
export interface KeptDocument {
  file: string;
  key: string;
  bytes: number;
  sha256: string;
  etag: string;
  versionId?: string | undefined;
}

/** The bytes of a document: the writer's JSON, two-space indented, one trailing newline (deterministic). */
export function documentBytes(document: object): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** An object's ETag as S3 gives it for a single-part upload encrypted with SSE-S3: the data's MD5, quoted. */
const etagOf = (body: string): string => `"${createHash('md5').update(body, 'utf8').digest('hex')}"`;

/**
 * The bucket's answer to a conditional write whose precondition did not hold (412): `If-None-Match: *` met an object
 * already there, `If-Match` one changed since it was read.
 */
const preconditionFailed = (error: unknown) =>
  (error as { name?: string }).name === 'PreconditionFailed' ||
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412;

/** A write of one document, only when the precondition holds: true when written, false when it did not hold. */
async function put(bucket: string, key: string, body: string, condition: { IfNoneMatch: '*' } | { IfMatch: string }) {
  try {
    await s3Client().send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json', ...condition }),
    );
    return true;
  } catch (error) {
    if (preconditionFailed(error)) return false;
    throw error;
  }
}

/** An object that is there: HeadObject (of a missing key S3 answers 403, not 404, to a role without s3:ListBucket). */
const head = (bucket: string, key: string): Promise<HeadObjectCommandOutput> =>
  s3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));

/**
 * Writes one document unless the bucket already holds exactly these bytes (a re-run then writes nothing, and no new
 * object version), then reads it back. The writers hold no s3:ListBucket, so S3 answers their HeadObject of a key that
 * is not there 403, not 404 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html): whether the key is
 * there is asked of the write itself, `If-None-Match: *`, which S3 refuses with 412 when it is
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html). An object already there with other
 * bytes (the SBOMs rewritten with Inspector's packages) is replaced with `If-Match` on the ETag just read, so a
 * concurrent rewrite is not overwritten unseen. Read back with HeadObject: S3's ETag of a single-part SSE-S3 upload is
 * the MD5 of its data (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html) and ContentLength its size.
 * @throws Error when what S3 holds is not what was written.
 */
async function keepDocument(bucket: string, key: string, file: string, body: string): Promise<KeptDocument> {
  const etag = etagOf(body);
  const bytes = Buffer.byteLength(body, 'utf8');
  if (!(await put(bucket, key, body, { IfNoneMatch: '*' }))) {
    const there = await head(bucket, key);
    const same = there.ETag === etag && there.ContentLength === bytes;
    if (!same && !(await put(bucket, key, body, { IfMatch: there.ETag ?? '' }))) {
      throw new Error(`s3://${bucket}/${key} changed while it was being rewritten (If-Match ${there.ETag})`);
    }
  }
  const found = await head(bucket, key);
  if (found.ETag !== etag || found.ContentLength !== bytes) {
    throw new Error(
      `s3://${bucket}/${key} reads back as ${found.ContentLength ?? 'nothing'} bytes, ETag ${found.ETag ?? 'none'}; wrote ${bytes} bytes, ETag ${etag}`,
    );
  }
  const sha256 = createHash('sha256').update(body, 'utf8').digest('hex');
  return { file, key, bytes, sha256, etag, versionId: found.VersionId };
}

/**
 * Renders a version's SBOMs, keeps each in the bucket (read back) and then records `SBOM#<version>` with their keys
 * and digests. Idempotent: the same content renders the same bytes, which are not written again.
 */
export async function keepSboms(content: ImageContent, render: SbomRenderer): Promise<KeptDocument[]> {
  const bucket = sbomBucket();
  const kept: KeptDocument[] = [];
  for (const [file, document] of Object.entries(render(content)).sort(([a], [b]) => (a < b ? -1 : 1))) {
    kept.push(
      await keepDocument(bucket, sbomObjectKey(content.image, content.version, file), file, documentBytes(document)),
    );
  }
  await documentClient().send(
    new PutCommand({
      TableName: ledgerTable(),
      Item: {
        pk: imagePk(content.image),
        sk: sbomSk(content.version),
        kind: 'sbom',
        image: content.image,
        version: content.version,
        bucket,
        documents: kept,
      },
    }),
  );
  return kept;
}

/**
 * The keys the bucket lists under `prefix` now: current objects only (a key whose current version is a delete marker is
 * not listed).
 */
async function listed(bucket: string, prefix: string): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const page of paginateListObjectsV2({ client: s3Client() }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) if (object.Key) keys.add(object.Key);
  }
  return keys;
}

/**
 * Deletes a version's SBOM objects (a deleted version's: core/lifecycle), read back as gone: the version's prefix is
 * listed (ListObjectsV2, as s3:ListBucket narrowed to `sbom/` by `s3:prefix`) before and after, each file listed is
 * deleted (on the versioned bucket the delete leaves a delete marker, the data a noncurrent version until the lifecycle
 * rule expires it), and a file not listed is not deleted (no stray delete marker). HeadObject cannot say "gone": of a
 * key that is not there S3 answers 403 to a role whose s3:ListBucket does not cover it
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html), and ListObjectsV2 lists only the keys whose
 * current version is an object (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
 * @returns the keys now gone.
 */
export async function deleteSboms(image: string, version: string, files: readonly string[]): Promise<string[]> {
  const bucket = sbomBucket();
  const prefix = sbomObjectKey(image, version, '');
  const keys = files.map((file) => sbomObjectKey(image, version, file));
  const before = await listed(bucket, prefix);
  for (const key of keys) {
    if (before.has(key)) await s3Client().send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }
  const after = await listed(bucket, prefix);
  const left = keys.filter((key) => after.has(key));
  if (left.length > 0) {
    throw new Error(`${left.map((key) => `s3://${bucket}/${key}`).join(', ')} still listed after DeleteObject`);
  }
  return keys;
}
