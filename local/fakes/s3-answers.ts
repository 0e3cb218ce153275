import { AccessDenied, NoSuchBucket, NoSuchKey, NotFound, S3ServiceException } from '@aws-sdk/client-s3';
import { errorFactory } from './common.js';

/**
 * S3's refusals as the SDK surfaces them, and its preconditions (conditional reads and writes).
 *
 * A HEAD response has no body, so the SDK cannot read an error code from it: a 404 becomes `NotFound` (the SDK names
 * a bodiless 404 so), any other status an `S3ServiceException` named `Unknown`, both with the message `UnknownError`
 * ("if the HEAD request generates an error, it returns a generic code ... It's not possible to retrieve the exact
 * exception": https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html). A GetObject answered 304 has no
 * body either. Every other error carries its code (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 * The header `x-amz-delete-marker: true` of an answer about a delete marker is on the error's `$response`, where the
 * SDK leaves a response's headers (test/unit/local/s3-fake-referee.test.ts compares each with the SDK's own reading).
 */

const err = errorFactory(S3ServiceException);

/** What the local cloud does not model of S3: said openly rather than answered as if it were. */
export class NotModelledError extends Error {
  constructor(feature: string) {
    super(`not modelled by the local cloud: S3 ${feature}`);
    this.name = 'NotModelledByLocalCloud';
  }
}

export type ObjectAction = 'GetObject' | 'HeadObject';

/** Puts the response's headers where the SDK leaves them on an error (not enumerable, as the SDK's). */
function withHeaders(error: Error, status: number, headers: Record<string, string>): Error {
  Object.defineProperty(error, '$response', {
    value: { statusCode: status, headers, body: undefined },
    enumerable: false,
  });
  return error;
}

/** The error codes the SDK has a class of its own for (the others are an `S3ServiceException` named by the code). */
const MODELED = { AccessDenied, NoSuchBucket, NoSuchKey } as const;

/**
 * S3's refusal of `action` with `code` as the SDK surfaces it: a HEAD's (and a 304's) without its code, any other
 * with it. The local cloud's doors refuse through this too (local/simulator/cloud-doors.ts).
 */
export function s3Error(action: string, code: string, message: string, status: number): Error {
  if (action === 'HeadObject' || status === 304) {
    return status === 404 ? err(NotFound, 'UnknownError', 404) : err('Unknown', 'UnknownError', status);
  }
  const modeled = MODELED[code as keyof typeof MODELED];
  return modeled ? err(modeled, message, status) : err(code, message, status);
}

export const s3Errors = {
  /** A bucket that does not exist: `NoSuchBucket`, or HEAD's bare 404. */
  noSuchBucket(action: string): Error {
    return s3Error(action, 'NoSuchBucket', 'The specified bucket does not exist', 404);
  },
  /** A bucket owned by another account than the request's `ExpectedBucketOwner`: 403, Access Denied. */
  notExpectedOwner(action: string): Error {
    return withHeaders(s3Error(action, 'AccessDenied', 'Access Denied', 403), 403, {});
  },
  /** A key (or version) that is not there, to a caller who may list the bucket (404) or may not (403). */
  missing(action: ObjectAction, options: { mayList: boolean; version?: boolean; deleteMarker?: boolean }): Error {
    const headers: Record<string, string> = options.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {};
    if (!options.mayList) return withHeaders(s3Error(action, 'AccessDenied', 'Access Denied', 403), 403, {});
    const error = options.version
      ? s3Error(action, 'NoSuchVersion', 'The specified version does not exist.', 404)
      : s3Error(action, 'NoSuchKey', 'The specified key does not exist.', 404);
    return withHeaders(error, 404, headers);
  },
  /** A read of a version that is a delete marker: 405, with the marker's header and its Last-Modified. */
  deleteMarkerVersion(action: ObjectAction, lastModified: string): Error {
    const error = s3Error(
      action,
      'MethodNotAllowed',
      'The specified method is not allowed against this resource.',
      405,
    );
    return withHeaders(error, 405, {
      'x-amz-delete-marker': 'true',
      'last-modified': new Date(lastModified).toUTCString(),
    });
  },
  preconditionFailed(action: string): Error {
    return s3Error(action, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412);
  },
  notModified(action: ObjectAction): Error {
    return s3Error(action, 'NotModified', 'Not Modified', 304);
  },
  /** PutObject's If-Match on a key with no current object. */
  noSuchKeyToReplace(): Error {
    return s3Error('PutObject', 'NoSuchKey', 'The specified key does not exist.', 404);
  },
  invalidArgument(message: string): Error {
    return s3Error('ListObjectsV2', 'InvalidArgument', message, 400);
  },
};

/** The object version a precondition is tested against. */
export interface Current {
  etag: string;
  lastModified: string;
}

/** The entity tags a precondition lists (`"a", "b"`, `*`), without their quotes. */
function tags(header: string): string[] {
  return header.split(',').map((t) => t.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
}

const matches = (header: string, etag: string) => {
  const bare = etag.replace(/^"|"$/g, '');
  return tags(header).some((t) => t === '*' || t === bare);
};

/** A date precondition, compared at HTTP's one-second resolution. */
function seconds(value: unknown, field: string): number {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw s3Errors.invalidArgument(`${field} is not a date`);
  return Math.floor(date.getTime() / 1000);
}

/**
 * GetObject's and HeadObject's preconditions on the version read, as S3 evaluates them (RFC 7232's order): If-Match
 * decides over If-Unmodified-Since, and fails with 412; If-None-Match decides over If-Modified-Since, and answers
 * 304 Not Modified (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-requests.html).
 */
export function checkReadPreconditions(action: ObjectAction, input: Record<string, unknown>, current: Current): void {
  const modified = Math.floor(new Date(current.lastModified).getTime() / 1000);
  if (typeof input.IfMatch === 'string') {
    if (!matches(input.IfMatch, current.etag)) throw s3Errors.preconditionFailed(action);
  } else if (input.IfUnmodifiedSince !== undefined) {
    if (modified > seconds(input.IfUnmodifiedSince, 'IfUnmodifiedSince')) throw s3Errors.preconditionFailed(action);
  }
  if (typeof input.IfNoneMatch === 'string') {
    if (matches(input.IfNoneMatch, current.etag)) throw s3Errors.notModified(action);
  } else if (input.IfModifiedSince !== undefined) {
    if (modified <= seconds(input.IfModifiedSince, 'IfModifiedSince')) throw s3Errors.notModified(action);
  }
}

/**
 * PutObject's conditional writes, against the key's current version (a delete marker is no object): `If-None-Match:
 * *` writes only when there is none, else 412; `If-Match: <ETag>` only over a current object of that ETag, else 412,
 * and 404 NoSuchKey when there is none (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html). Concurrent conditional writes (409
 * ConditionalRequestConflict) do not arise in the local cloud: each call is answered whole before the next.
 */
export function checkWritePreconditions(input: Record<string, unknown>, current: Current | undefined): void {
  const { IfMatch, IfNoneMatch } = input;
  if (IfMatch !== undefined && IfNoneMatch !== undefined) {
    throw new NotModelledError('PutObject with both If-Match and If-None-Match');
  }
  if (IfNoneMatch !== undefined) {
    if (IfNoneMatch !== '*') throw new NotModelledError(`PutObject with If-None-Match other than * (${IfNoneMatch})`);
    if (current) throw s3Errors.preconditionFailed('PutObject');
  }
  if (typeof IfMatch === 'string') {
    if (!current) throw s3Errors.noSuchKeyToReplace();
    if (!matches(IfMatch, current.etag)) throw s3Errors.preconditionFailed('PutObject');
  }
}

/** Request parameters of each call the local cloud does not model: a call that sets one is refused openly. */
const NOT_MODELLED: Record<string, readonly string[]> = {
  GetObject: ['Range', 'PartNumber', 'SSECustomerAlgorithm', 'RequestPayer'],
  HeadObject: ['Range', 'PartNumber', 'SSECustomerAlgorithm', 'RequestPayer'],
  PutObject: ['SSECustomerAlgorithm', 'RequestPayer', 'ObjectLockMode', 'Tagging', 'ACL'],
  DeleteObject: ['IfMatch', 'MFA', 'BypassGovernanceRetention', 'RequestPayer'],
  ListObjectsV2: ['EncodingType', 'FetchOwner', 'RequestPayer', 'OptionalObjectAttributes'],
};

/** Refuses a call that sets a parameter the local cloud does not model. */
export function refuseUnmodelled(action: string, input: Record<string, unknown>): void {
  for (const field of NOT_MODELLED[action] ?? []) {
    const value = input[field];
    if (value !== undefined && value !== false) throw new NotModelledError(`${action} with ${field}`);
  }
}
