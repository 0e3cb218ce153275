import { packagesOfCycloneDx, type SbomExportRecord } from './inspector-export.js';
import type { SbomPackage } from './model.js';

/**
 * What Goldsmith takes from an Inspector SBOM export, and what it refuses (pure). Only its own export is read: the
 * report GetSbomExport describes must be the one Goldsmith asked for (its bucket, its key prefix, its repository and
 * tag), and each file under that prefix must be Inspector's CycloneDX document of one container image of the build's
 * registry account; every file of the export must describe the same image (the filter, a repository and a tag, names
 * one). A file that is none of these fails the export, once, naming the file: the version's packages stay unknown,
 * and the refusal is recorded and announced, never read into its inventory.
 *
 * The document's shape: the example on https://docs.aws.amazon.com/inspector/latest/user/sbom-export.html, whose
 * `metadata.properties` name the image (`imageId`, its digest), `accountId` and `resourceType`
 * (`AWS_ECR_CONTAINER_IMAGE`). GetSbomExport answers the report's `s3Destination` and `filterCriteria`
 * (https://docs.aws.amazon.com/inspector/v2/APIReference/API_GetSbomExport.html).
 */

/** The one resource type a container image's SBOM names. */
export const ECR_IMAGE_RESOURCE = 'AWS_ECR_CONTAINER_IMAGE';

/** GetSbomExport's answer, as far as Goldsmith checks it. */
type StringFilters = readonly { comparison?: string | undefined; value?: string | undefined }[] | undefined;
export interface ReportDescription {
  s3Destination?: { bucketName?: string | undefined; keyPrefix?: string | undefined } | undefined;
  filterCriteria?: { ecrRepositoryName?: StringFilters; ecrImageTags?: StringFilters } | undefined;
}

const trimSlash = (s: string | undefined) => (s ?? '').replace(/\/+$/, '');

const equalsOnly = (list: StringFilters = [], value: string) => {
  return list.length === 1 && list[0]?.comparison === 'EQUALS' && list[0]?.value === value;
};

/** Why the report GetSbomExport describes is not the export Goldsmith asked for, or undefined when it is. */
export function reportRefusal(report: ReportDescription, record: SbomExportRecord, bucket: string): string | undefined {
  const dest = report.s3Destination;
  if (dest?.bucketName !== bucket) return `the report writes to bucket ${dest?.bucketName ?? '(none)'}, not ${bucket}`;
  if (trimSlash(dest.keyPrefix) !== trimSlash(record.keyPrefix)) {
    return `the report writes under ${dest.keyPrefix ?? '(no prefix)'}, not ${record.keyPrefix}`;
  }
  if (!equalsOnly(report.filterCriteria?.ecrRepositoryName, record.repository)) {
    return `the report's filter is not the repository ${record.repository} alone`;
  }
  if (!equalsOnly(report.filterCriteria?.ecrImageTags, record.tag)) {
    return `the report's filter is not the tag ${record.tag} alone`;
  }
  return undefined;
}

/** One file of an export, read: its packages and the image it describes, or why it is refused. */
export type ExportFile = { imageId: string; packages: SbomPackage[] } | { refused: string };

const property = (doc: { metadata?: unknown }, name: string): string | undefined => {
  const props = (doc.metadata as { properties?: unknown } | null | undefined)?.properties;
  if (!Array.isArray(props)) return undefined;
  const found = (props as { name?: unknown; value?: unknown }[]).find((p) => p?.name === name);
  return typeof found?.value === 'string' ? found.value : undefined;
};

/**
 * Reads one file of the export: JSON, CycloneDX, a container image (`resourceType`) of the build's registry account
 * (`accountId`, when the record kept it) with a digest (`imageId`).
 */
export function readExportFile(text: string, record: Pick<SbomExportRecord, 'account'>): ExportFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { refused: 'not JSON' };
  }
  if ((doc as { bomFormat?: unknown } | null)?.bomFormat !== 'CycloneDX')
    return { refused: 'not a CycloneDX document' };
  const meta = doc as { metadata?: unknown };
  const resourceType = property(meta, 'resourceType');
  if (resourceType !== ECR_IMAGE_RESOURCE)
    return { refused: `resourceType ${resourceType ?? '(none)'}, not ${ECR_IMAGE_RESOURCE}` };
  const accountId = property(meta, 'accountId');
  if (record.account !== undefined && accountId !== record.account) {
    return { refused: `accountId ${accountId ?? '(none)'}, not the registry's ${record.account}` };
  }
  const imageId = property(meta, 'imageId');
  if (!imageId || !/^sha256:[0-9a-f]{64}$/.test(imageId)) return { refused: 'no image digest (imageId)' };
  try {
    return { imageId, packages: packagesOfCycloneDx(doc) };
  } catch (error) {
    return { refused: error instanceof Error ? error.message : String(error) };
  }
}

/** Why the files of an export, read, are not one image's SBOM, or undefined when they are. */
export function imagesRefusal(
  files: readonly { key: string; imageId: string }[],
): { key: string; why: string } | undefined {
  const first = files[0];
  const other = files.find((f) => f.imageId !== first?.imageId);
  if (!first || !other) return undefined;
  return {
    key: other.key,
    why: `describes ${other.imageId}, where ${first.key} describes ${first.imageId}: the export's filter names one image`,
  };
}
