import { StartImagePipelineExecutionCommand } from '@aws-sdk/client-imagebuilder';
import { CreateSbomExportCommand, GetSbomExportCommand } from '@aws-sdk/client-inspector2';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { imagebuilderClient } from '../../../aws/clients/imagebuilder.js';
import { inspector2Client } from '../../../aws/clients/inspector2.js';
import { s3Client } from '../../../aws/clients/s3.js';
import { packagesOfCycloneDx } from '../../../core/sbom/inspector-export.js';
import { DEFAULT_PACKAGES } from '../../../local/fakes/imagebuilder-model.js';
import { EXPORT_MS } from '../../../local/fakes/inspector2-sbom.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';

const R = 'us-east-1';
const MIN = 60_000;
const BUCKET = 'goldsmith-test-sbom-123456789012-us-east-1';
const KEY_ARN = `arn:aws:kms:${R}:${ACCOUNT}:key/0b6f3d1e-5a2c-4f8e-9d7b-1c2e3f4a5b6c`;
const REPO = 'golden/web-runtime';

const request = (repository: string, tag: string, over: Record<string, unknown> = {}) =>
  new CreateSbomExportCommand({
    reportFormat: 'CYCLONEDX_1_4',
    resourceFilterCriteria: {
      ecrRepositoryName: [{ comparison: 'EQUALS', value: repository }],
      ecrImageTags: [{ comparison: 'EQUALS', value: tag }],
    },
    s3Destination: { bucketName: BUCKET, keyPrefix: 'inspector/web-runtime/1.0.0-1', kmsKeyArn: KEY_ARN },
    ...over,
  });

/** A cloud whose container pipeline built and pushed `golden/web-runtime:1.0.0-1`. */
async function built() {
  const local = localCloud({ pipelines: [{ name: 'web-runtime', type: 'CONTAINER', regions: [R], repository: REPO }] });
  local.fakes.s3.createBucket(BUCKET, true);
  await imagebuilderClient(R).send(
    new StartImagePipelineExecutionCommand({
      imagePipelineArn: `arn:aws:imagebuilder:${R}:${ACCOUNT}:image-pipeline/web-runtime`,
      clientToken: 'c',
    }),
  );
  await local.clock.run(local.clock.now() + 120 * MIN);
  return local;
}

describe("the local Inspector's SBOM export", () => {
  afterEach(resetClients);

  it('stays IN_PROGRESS a while, then writes one CycloneDX 1.4 file of the image the build pushed', async () => {
    const { clock, fakes } = await built();
    const inspector = inspector2Client(R);
    const { reportId } = await inspector.send(request(REPO, '1.0.0-1'));
    expect(reportId).toMatch(/^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/);

    expect(await inspector.send(new GetSbomExportCommand({ reportId }))).toMatchObject({ status: 'IN_PROGRESS' });
    await clock.run(clock.now() + EXPORT_MS);
    expect(await inspector.send(new GetSbomExportCommand({ reportId }))).toMatchObject({
      status: 'SUCCEEDED',
      format: 'CYCLONEDX_1_4',
      s3Destination: { bucketName: BUCKET, kmsKeyArn: KEY_ARN },
    });

    const listed = await s3Client(R).send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'inspector/web-runtime/1.0.0-1/' }),
    );
    expect(listed.KeyCount).toBe(1);
    const document = JSON.parse(fakes.s3.read(BUCKET, listed.Contents?.[0]?.Key ?? '') ?? '{}');
    expect(document).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.4' });
    expect(document.metadata.properties).toContainEqual({
      name: 'imageId',
      value: fakes.ecr.digestOfTag(R, REPO, '1.0.0-1'),
    });
    // The packages the build installed, epochs included, as Goldsmith reads them back.
    expect(packagesOfCycloneDx(document).map((p) => `${p.name} ${p.version}`)).toEqual(
      DEFAULT_PACKAGES.map((p) => `${p.packageName} ${p.packageVersion}`).sort(),
    );
  });

  it('fails an export of a repository it has no image of (NO_FINDINGS_FOUND), writing nothing', async () => {
    const { clock, fakes } = await built();
    const inspector = inspector2Client(R);
    const { reportId } = await inspector.send(request('golden/unknown', '1.0.0-1'));
    await clock.run(clock.now() + EXPORT_MS);

    expect(await inspector.send(new GetSbomExportCommand({ reportId }))).toMatchObject({
      status: 'FAILED',
      errorCode: 'NO_FINDINGS_FOUND',
    });
    expect(fakes.s3.buckets.get(BUCKET)?.objects.size).toBe(0);
  });

  it('refuses an export without its KMS key or in another format, and an unknown report', async () => {
    await built();
    const inspector = inspector2Client(R);
    await expect(
      inspector.send(request(REPO, '1.0.0-1', { s3Destination: { bucketName: BUCKET, kmsKeyArn: '' } })),
    ).rejects.toMatchObject({ name: 'ValidationException', message: 's3Destination.kmsKeyArn is required' });
    await expect(inspector.send(request(REPO, '1.0.0-1', { reportFormat: 'CYCLONEDX_1_5' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(
      inspector.send(new GetSbomExportCommand({ reportId: '00000000-0000-4000-8000-00000000abcd' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
  });
});
