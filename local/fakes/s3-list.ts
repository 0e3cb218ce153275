import { s3Errors } from './s3-answers.js';

/** One listed object: its key and current version's data. */
export interface ListedObject {
  key: string;
  etag: string | undefined;
  size: number;
  lastModified: string;
}

/** The most keys one ListObjectsV2 page holds (and its default). */
const MAX_KEYS = 1000;

/** UTF-8 binary order, as S3 lists keys. */
const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * A continuation token names the last key or common prefix the page before returned (base64url, not a real key:
 * "ContinuationToken is obfuscated and is not a real key"). The next page starts after it, so an object deleted or
 * written between pages moves no other key across the boundary.
 */
const tokenOf = (last: string) => Buffer.from(`after:${last}`, 'utf8').toString('base64url');

function afterToken(token: string): string {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith('after:') || tokenOf(text.slice(6)) !== token) {
    throw s3Errors.invalidArgument('The continuation token provided is incorrect');
  }
  return text.slice(6);
}

/**
 * ListObjectsV2 over a bucket's current objects (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html):
 * - the keys under `Prefix`, in UTF-8 binary order, those after `StartAfter` only;
 * - with a `Delimiter`, the keys whose rest after the prefix holds it are rolled up into one `CommonPrefixes` entry
 *   (the prefix up to and including the delimiter's first occurrence), which counts as one key towards `MaxKeys` and
 *   `KeyCount`;
 * - at most `MaxKeys` (default and most 1,000) a page; `MaxKeys: 0` answers no key, not truncated, no token
 *   (https://github.com/faiscadev/fakecloud/pull/2003 shows AWS's answer); a negative one is `InvalidArgument`.
 */
export function listObjectsV2(bucketName: string, objects: readonly ListedObject[], input: Record<string, unknown>) {
  const prefix = typeof input.Prefix === 'string' ? input.Prefix : '';
  const delimiter = typeof input.Delimiter === 'string' && input.Delimiter !== '' ? input.Delimiter : undefined;
  const startAfter = typeof input.StartAfter === 'string' ? input.StartAfter : undefined;
  const token = typeof input.ContinuationToken === 'string' ? input.ContinuationToken : undefined;
  const maxKeys = typeof input.MaxKeys === 'number' ? input.MaxKeys : MAX_KEYS;
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    throw s3Errors.invalidArgument('Argument maxKeys must be an integer between 0 and 2147483647');
  }
  const resume = token !== undefined ? afterToken(token) : undefined;
  // Each entry in order: an object, or a common prefix standing for every key that rolls up into it.
  const entries: ({ object: ListedObject } | { commonPrefix: string })[] = [];
  for (const object of [...objects].sort((a, b) => utf8Order(a.key, b.key))) {
    if (!object.key.startsWith(prefix)) continue;
    if (startAfter !== undefined && utf8Order(object.key, startAfter) <= 0) continue;
    const at = delimiter ? object.key.indexOf(delimiter, prefix.length) : -1;
    const name = delimiter && at >= 0 ? object.key.slice(0, at + delimiter.length) : object.key;
    // After the entry the page before ended with: a common prefix already returned takes its keys along.
    if (resume !== undefined && utf8Order(name, resume) <= 0) continue;
    const last = entries.at(-1);
    if (at >= 0 && last && 'commonPrefix' in last && last.commonPrefix === name) continue;
    entries.push(at >= 0 ? { commonPrefix: name } : { object });
  }
  const page = entries.slice(0, Math.min(maxKeys, MAX_KEYS));
  const truncated = page.length < entries.length && page.length > 0;
  const lastOf = page.at(-1);
  const contents = page.flatMap((e) =>
    'object' in e
      ? [
          {
            Key: e.object.key,
            ETag: e.object.etag,
            Size: e.object.size,
            LastModified: new Date(e.object.lastModified),
            StorageClass: 'STANDARD',
          },
        ]
      : [],
  );
  const commonPrefixes = page.flatMap((e) => ('commonPrefix' in e ? [{ Prefix: e.commonPrefix }] : []));
  return {
    Name: bucketName,
    Prefix: prefix,
    MaxKeys: maxKeys,
    KeyCount: page.length,
    IsTruncated: truncated,
    ...(delimiter !== undefined ? { Delimiter: delimiter } : {}),
    ...(startAfter !== undefined ? { StartAfter: startAfter } : {}),
    ...(token !== undefined ? { ContinuationToken: token } : {}),
    ...(contents.length > 0 ? { Contents: contents } : {}),
    ...(commonPrefixes.length > 0 ? { CommonPrefixes: commonPrefixes } : {}),
    ...(truncated && lastOf
      ? { NextContinuationToken: tokenOf('object' in lastOf ? lastOf.object.key : lastOf.commonPrefix) }
      : {}),
  };
}
