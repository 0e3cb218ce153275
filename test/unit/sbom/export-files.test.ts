import { describe, expect, it } from 'vitest';
import { imagesRefusal, readExportFile, reportRefusal } from '../../../core/sbom/export-files.js';
import type { SbomExportRecord } from '../../../core/sbom/inspector-export.js';

const DIGEST = `sha256:${'4'.repeat(64)}`;
const record: SbomExportRecord = {
  image: 'base',
  version: '1.0.0/3',
  repository: 'goldsmith-base',
  tag: '1.0.0-3',
  account: '111122223333',
  keyPrefix: `inspector/base/1.0.0-3/${'a'.repeat(32)}`,
  status: 'IN_PROGRESS',
  reportId: '5b0e8c3a-0000-4000-8000-000000000001',
  startedAt: '2027-01-18T17:50:56Z',
};
const doc = (props: Record<string, string>) =>
  JSON.stringify({
    bomFormat: 'CycloneDX',
    metadata: { properties: Object.entries(props).map(([name, value]) => ({ name, value })) },
    components: [{ name: 'bash', purl: 'pkg:rpm/amazon/bash@5.2.15-1?epoch=0' }],
  });
const image = { imageId: DIGEST, accountId: '111122223333', resourceType: 'AWS_ECR_CONTAINER_IMAGE' };

describe("what Goldsmith takes from an SBOM export: its own report's files, of the build's image", () => {
  it('takes the report Goldsmith asked for, and refuses one writing elsewhere or filtering otherwise', () => {
    const report = {
      s3Destination: { bucketName: 'b', keyPrefix: `${record.keyPrefix}/` },
      filterCriteria: {
        ecrRepositoryName: [{ comparison: 'EQUALS', value: 'goldsmith-base' }],
        ecrImageTags: [{ comparison: 'EQUALS', value: '1.0.0-3' }],
      },
    };
    expect(reportRefusal(report, record, 'b')).toBeUndefined();
    expect(reportRefusal({ ...report, s3Destination: { bucketName: 'other' } }, record, 'b')).toMatch(/bucket other/);
    expect(
      reportRefusal({ ...report, s3Destination: { bucketName: 'b', keyPrefix: 'inspector/base' } }, record, 'b'),
    ).toMatch(/writes under inspector\/base,/);
    const anyTag = { ...report, filterCriteria: { ...report.filterCriteria, ecrImageTags: [] } };
    expect(reportRefusal(anyTag, record, 'b')).toMatch(/not the tag 1.0.0-3 alone/);
  });

  it("reads a container image's CycloneDX file of the registry's account, and refuses any other", () => {
    expect(readExportFile(doc(image), record)).toEqual({
      imageId: DIGEST,
      packages: [{ name: 'bash', version: '5.2.15-1', type: 'rpm' }],
    });
    expect(readExportFile('{not json', record)).toEqual({ refused: 'not JSON' });
    expect(readExportFile(JSON.stringify({ spdxVersion: 'SPDX-2.3' }), record)).toEqual({
      refused: 'not a CycloneDX document',
    });
    expect(readExportFile(doc({ ...image, resourceType: 'AWS_LAMBDA_FUNCTION' }), record)).toEqual({
      refused: 'resourceType AWS_LAMBDA_FUNCTION, not AWS_ECR_CONTAINER_IMAGE',
    });
    expect(readExportFile(doc({ ...image, accountId: '999999999999' }), record)).toEqual({
      refused: "accountId 999999999999, not the registry's 111122223333",
    });
    expect(readExportFile(doc({ ...image, imageId: 'latest' }), record)).toEqual({
      refused: 'no image digest (imageId)',
    });
  });

  it('refuses files of more than one image: the filter names one', () => {
    expect(imagesRefusal([{ key: 'a', imageId: DIGEST }])).toBeUndefined();
    expect(imagesRefusal([])).toBeUndefined();
    expect(
      imagesRefusal([
        { key: 'a', imageId: DIGEST },
        { key: 'b', imageId: `sha256:${'e'.repeat(64)}` },
      ]),
    ).toMatchObject({ key: 'b' });
  });
});
