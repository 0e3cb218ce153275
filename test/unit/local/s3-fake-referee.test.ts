import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { HttpResponse } from '@smithy/protocol-http';
import { afterEach, describe, expect, it } from 'vitest';
import { s3Client } from '../../../aws/clients/s3.js';
import { runAs } from '../../../local/trust/caller.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';

// The referee is the SDK itself: each refusal the fake makes is compared with what @aws-sdk/client-s3 makes of the
// response S3 sends for it (status, headers, XML error body: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html;
// a HEAD's and a 304's carry no body: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html). No
// socket is opened: the SDK's request handler is replaced by one that answers the response given.

const BUCKET = 'goldsmith-test-sbom-123456789012-us-east-1';
const KEY = 'sbom/base/1.0.0-3/cyclonedx.json';
const CALLER = `arn:aws:sts::${ACCOUNT}:assumed-role/writer/function`;

interface Wire {
  status: number;
  headers?: Record<string, string>;
  /** The XML error's code and message; none for a bodiless answer. */
  error?: [code: string, message: string];
}

/** An S3 client that receives `wire` for every request, as S3 would send it. */
function answering(wire: Wire): S3Client {
  const body = wire.error
    ? `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${wire.error[0]}</Code><Message>${wire.error[1]}</Message><RequestId>R</RequestId><HostId>H</HostId></Error>`
    : '';
  return new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIALOCAL', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: {
      handle: async () => ({
        response: new HttpResponse({
          statusCode: wire.status,
          headers: { ...(wire.error ? { 'content-type': 'application/xml' } : {}), ...wire.headers },
          body: Readable.from(body ? [Buffer.from(body)] : []),
        }),
      }),
    },
  });
}

/** What a caller can tell of an error: its name and class, message, status, fault and the delete-marker header. */
function seen(error: unknown) {
  const e = error as Error & {
    $metadata?: { httpStatusCode?: number };
    $fault?: string;
    $response?: { headers?: Record<string, string> };
  };
  return {
    name: e.name,
    class: e.constructor.name,
    message: e.message,
    status: e.$metadata?.httpStatusCode,
    fault: e.$fault,
    deleteMarker: e.$response?.headers?.['x-amz-delete-marker'],
  };
}

type Command = GetObjectCommand | HeadObjectCommand | PutObjectCommand | DeleteObjectCommand | ListObjectsV2Command;

async function refusal(send: () => Promise<unknown>): Promise<ReturnType<typeof seen>> {
  try {
    await send();
  } catch (error) {
    return seen(error);
  }
  throw new Error('the call was answered, not refused');
}

/** The fake's refusal of `command` and the SDK's reading of `wire`, side by side. */
async function both(command: () => Command, wire: Wire, principal?: string) {
  const fake = await refusal(() => runAs(principal, () => s3Client().send(command() as GetObjectCommand)));
  const sdk = await refusal(() => answering(wire).send(command() as GetObjectCommand));
  return { fake, sdk };
}

const get =
  (input: Partial<ConstructorParameters<typeof GetObjectCommand>[0]> = {}) =>
  () =>
    new GetObjectCommand({ Bucket: BUCKET, Key: KEY, ...input });
const head =
  (input: Partial<ConstructorParameters<typeof HeadObjectCommand>[0]> = {}) =>
  () =>
    new HeadObjectCommand({ Bucket: BUCKET, Key: KEY, ...input });

describe("S3Fake's refusals, as the SDK reads S3's own", () => {
  afterEach(resetClients);

  it('answers reads of a key not there, of a deleted one and of a delete marker as the SDK reads S3', async () => {
    const { fakes } = localCloud();
    fakes.s3.createBucket(BUCKET, true);
    fakes.s3.authorizeList = (principal) => principal !== CALLER;
    const s3 = s3Client();
    const cases: [() => Command, Wire, string?][] = [
      [head(), { status: 403 }, CALLER],
      [get(), { status: 403, error: ['AccessDenied', 'Access Denied'] }, CALLER],
      [head(), { status: 404 }],
      [get(), { status: 404, error: ['NoSuchKey', 'The specified key does not exist.'] }],
      [() => new HeadObjectCommand({ Bucket: 'elsewhere', Key: KEY }), { status: 404 }],
      [
        () => new GetObjectCommand({ Bucket: 'elsewhere', Key: KEY }),
        { status: 404, error: ['NoSuchBucket', 'The specified bucket does not exist'] },
      ],
    ];
    for (const [command, wire, principal] of cases) {
      const { fake, sdk } = await both(command, wire, principal);
      expect(fake).toEqual(sdk);
    }

    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'x' }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: KEY }));
    const deleted: [() => Command, Wire][] = [
      [
        get(),
        {
          status: 404,
          headers: { 'x-amz-delete-marker': 'true' },
          error: ['NoSuchKey', 'The specified key does not exist.'],
        },
      ],
      [head(), { status: 404, headers: { 'x-amz-delete-marker': 'true' } }],
      [
        get({ VersionId: marker.VersionId }),
        {
          status: 405,
          headers: { 'x-amz-delete-marker': 'true' },
          error: ['MethodNotAllowed', 'The specified method is not allowed against this resource.'],
        },
      ],
      [head({ VersionId: marker.VersionId }), { status: 405, headers: { 'x-amz-delete-marker': 'true' } }],
      [
        get({ VersionId: 'v99999999' }),
        { status: 404, error: ['NoSuchVersion', 'The specified version does not exist.'] },
      ],
    ];
    for (const [command, wire] of deleted) {
      const { fake, sdk } = await both(command, wire);
      expect(fake).toEqual(sdk);
    }
    expect(put.VersionId).toBeDefined();
  });

  it("answers unmet preconditions and a bad continuation token as the SDK reads S3's answers", async () => {
    const { fakes } = localCloud();
    fakes.s3.createBucket(BUCKET, true);
    await s3Client().send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'x' }));
    const failed: [string, string] = [
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold',
    ];
    const cases: [() => Command, Wire][] = [
      [get({ IfMatch: '"other"' }), { status: 412, error: failed }],
      [head({ IfMatch: '"other"' }), { status: 412 }],
      [get({ IfNoneMatch: '*' }), { status: 304 }],
      [head({ IfNoneMatch: '*' }), { status: 304 }],
      [
        () => new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'y', IfNoneMatch: '*' }),
        { status: 412, error: failed },
      ],
      [
        () => new PutObjectCommand({ Bucket: BUCKET, Key: 'sbom/none', Body: 'y', IfMatch: '"x"' }),
        { status: 404, error: ['NoSuchKey', 'The specified key does not exist.'] },
      ],
      [
        () => new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: 'bm90IGEgdG9rZW4' }),
        { status: 400, error: ['InvalidArgument', 'The continuation token provided is incorrect'] },
      ],
    ];
    for (const [command, wire] of cases) {
      const { fake, sdk } = await both(command, wire);
      expect(fake).toEqual(sdk);
    }
  });
});
