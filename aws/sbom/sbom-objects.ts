import { createHash } from 'node:crypto';
import { DeleteObjectCommand, HeadObjectCommand, NotFound, PutObjectCommand } from '@aws-sdk/client-s3';
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

/** HeadObject, or undefined for an object that is not there (S3 answers HeadObject's 404 without a body). */
async function head(bucket: string, key: string) {
  try {
    return await s3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return undefined;
    throw error;
  }
}

/**
 * Writes one document unless the bucket already holds exactly these bytes (a re-run then writes nothing, and no new
 * object version), then reads it back: S3's ETag of a single-part SSE-S3 upload is the MD5 of its data
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html) and ContentLength its size
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
 * @throws Error when what S3 holds is not what was written.
 */
async function keepDocument(bucket: string, key: string, file: string, body: string): Promise<KeptDocument> {
  const etag = etagOf(body);
  const bytes = Buffer.byteLength(body, 'utf8');
  let found = await head(bucket, key);
  if (found?.ETag !== etag || found.ContentLength !== bytes) {
    await s3Client().send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
    found = await head(bucket, key);
  }
  if (found?.ETag !== etag || found.ContentLength !== bytes) {
    throw new Error(
      `s3://${bucket}/${key} reads back as ${found?.ContentLength ?? 'nothing'} bytes, ETag ${found?.ETag ?? 'none'}; wrote ${bytes} bytes, ETag ${etag}`,
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
 * Deletes a version's SBOM objects (a deleted version's: core/lifecycle), each read back as gone (HeadObject 404:
 * on the versioned bucket the delete leaves a delete marker, the data a noncurrent version until the lifecycle rule
 * expires it). Files that are not there are no error.
 * @returns the keys now gone.
 */
export async function deleteSboms(image: string, version: string, files: readonly string[]): Promise<string[]> {
  const bucket = sbomBucket();
  const gone: string[] = [];
  for (const file of files) {
    const key = sbomObjectKey(image, version, file);
    if (await head(bucket, key)) await s3Client().send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    if (await head(bucket, key)) throw new Error(`s3://${bucket}/${key} is still there after DeleteObject`);
    gone.push(key);
  }
  return gone;
}
