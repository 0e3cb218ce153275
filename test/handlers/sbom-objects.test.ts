import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteSboms, keepSboms } from '../../aws/sbom/sbom-objects.js';
import type { ImageContent } from '../../core/sbom/model.js';
import { baseContent } from '../fixtures/sbom.js';
import { mockClient } from '../helpers/mock-client.js';
import { localCloud, resetClients } from '../unit/local/helpers.js';

const BUCKET = 'goldsmith-test-sbom-123456789012-us-east-1';
const FILES = ['cyclonedx.json', 'spdx.json'];

/** Two documents a writer would make of the content (the real writers are core/sbom's; any deterministic pair does). */
const render = (content: ImageContent) => ({
  'cyclonedx.json': { bomFormat: 'CycloneDX', packages: content.packages.map((p) => `${p.name}@${p.version}`) },
  'spdx.json': { spdxVersion: 'SPDX-2.3', name: `${content.image} ${content.version}` },
});

describe("a version's SBOMs in the bucket", () => {
  const ddb = mockClient(DynamoDBDocumentClient);

  beforeEach(() => {
    process.env.LEDGER_TABLE = 'ledger';
    process.env.SBOM_BUCKET = BUCKET;
    ddb.on(PutCommand).resolves({});
  });

  afterEach(() => {
    ddb.reset();
    resetClients();
    delete process.env.SBOM_BUCKET;
  });

  it('keeps both documents under the version key, read back, and only then records them with their digests', async () => {
    const { fakes } = localCloud();
    fakes.s3.createBucket(BUCKET, true);

    const kept = await keepSboms(baseContent('1.0.0/3'), render);

    const body = fakes.s3.read(BUCKET, 'sbom/base/1.0.0-3/cyclonedx.json');
    expect(JSON.parse(body ?? '{}')).toMatchObject({ bomFormat: 'CycloneDX' });
    expect(kept.map((d) => d.key)).toEqual(['sbom/base/1.0.0-3/cyclonedx.json', 'sbom/base/1.0.0-3/spdx.json']);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        pk: 'IMAGE#base',
        sk: 'SBOM#1.0.0/3',
        kind: 'sbom',
        bucket: BUCKET,
        documents: [
          expect.objectContaining({ file: 'cyclonedx.json', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }),
          expect.objectContaining({ file: 'spdx.json', bytes: expect.any(Number) }),
        ],
      }),
    });
  });

  it('writes nothing again on a re-run: the same bytes, no new object version, the same record', async () => {
    const { fakes, stats } = localCloud();
    fakes.s3.createBucket(BUCKET, true);

    const first = await keepSboms(baseContent('1.0.0/3'), render);
    const second = await keepSboms(baseContent('1.0.0/3'), render);

    expect(second).toEqual(first);
    // The re-run's write-once puts (If-None-Match: *) were refused: the keys were there.
    expect(stats.apiCalls['s3:PutObject']).toBe(4);
    expect(fakes.s3.buckets.get(BUCKET)?.objects.get('sbom/base/1.0.0-3/spdx.json')).toHaveLength(1);
  });

  it('replaces a document kept with other bytes, over the version it read, and reads the new one back', async () => {
    const { fakes } = localCloud();
    fakes.s3.createBucket(BUCKET, true);
    await keepSboms(baseContent('1.0.0/3'), render);

    const kept = await keepSboms(baseContent('1.0.0/3', { packages: [] }), render);

    const versions = fakes.s3.buckets.get(BUCKET)?.objects.get('sbom/base/1.0.0-3/cyclonedx.json') ?? [];
    expect(versions).toHaveLength(2);
    expect(kept[0]).toMatchObject({ etag: versions[1]?.etag, versionId: versions[1]?.versionId });
    expect(JSON.parse(fakes.s3.read(BUCKET, 'sbom/base/1.0.0-3/cyclonedx.json') ?? '{}')).toMatchObject({
      packages: [],
    });
  });

  it('keeps documents for a role that S3 answers 403 for a key not there (no s3:ListBucket)', async () => {
    const { fakes, stats } = localCloud();
    fakes.s3.createBucket(BUCKET, true);
    fakes.s3.authorizeList = () => false;

    const kept = await keepSboms(baseContent('1.0.0/3'), render);

    expect(kept).toHaveLength(2);
    expect(stats.apiCalls['s3:HeadObject']).toBe(2);
    expect(fakes.s3.read(BUCKET, 'sbom/base/1.0.0-3/spdx.json')).toBeDefined();
  });

  it('records nothing when the bucket is not there', async () => {
    localCloud();
    await expect(keepSboms(baseContent('1.0.0/3'), render)).rejects.toMatchObject({ name: 'NoSuchBucket' });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it("deletes a version's documents, listed as gone, and takes a missing one as gone without a delete marker", async () => {
    const { fakes, stats } = localCloud();
    fakes.s3.createBucket(BUCKET, true);
    await keepSboms(baseContent('1.0.0/3'), render);

    const gone = await deleteSboms('base', '1.0.0/3', [...FILES, 'other.json']);
    const again = await deleteSboms('base', '1.0.0/3', FILES);

    expect(gone).toHaveLength(3);
    expect(again).toHaveLength(2);
    for (const file of FILES) expect(fakes.s3.read(BUCKET, `sbom/base/1.0.0-3/${file}`)).toBeUndefined();
    expect(stats.apiCalls['s3:DeleteObject']).toBe(2);
    expect(fakes.s3.buckets.get(BUCKET)?.objects.has('sbom/base/1.0.0-3/other.json')).toBe(false);
  });
});
