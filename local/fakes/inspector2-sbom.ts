import { ResourceNotFoundException, ValidationException } from '@aws-sdk/client-inspector2';
import { type FakeCall, NotImplementedByFakeError } from './common.js';
import type { S3Fake } from './s3.js';

/**
 * Inspector's SBOM exports (CreateSbomExport, GetSbomExport) of the container images the simulation pushed to ECR:
 * - CreateSbomExport (https://docs.aws.amazon.com/inspector/v2/APIReference/API_CreateSbomExport.html): `reportFormat`
 *   CYCLONEDX_1_4 or SPDX_2_3 and `s3Destination` are required, and the Destination's `bucketName` and `kmsKeyArn`
 *   (https://docs.aws.amazon.com/inspector/v2/APIReference/API_Destination.html); a string filter compares EQUALS or
 *   NOT_EQUALS (https://docs.aws.amazon.com/inspector/v2/APIReference/API_ResourceStringFilter.html). Anything else
 *   is a ValidationException. The answer is a `reportId` (a UUID).
 * - GetSbomExport (https://docs.aws.amazon.com/inspector/v2/APIReference/API_GetSbomExport.html): IN_PROGRESS for
 *   EXPORT_MS of the virtual clock after the create, then finished: SUCCEEDED after one CycloneDX 1.4 JSON file per
 *   matching image is written into the S3 fake under the key prefix, FAILED with `BUCKET_NOT_FOUND` for a bucket
 *   that does not exist or `NO_FINDINGS_FOUND` when no image matches (an unknown repository or tag); an unknown
 *   `reportId` is a ResourceNotFoundException.
 * AWS does not document the key layout under the prefix; the fake's (`<prefix>/<reportId>/<account>/<repo>/<digest>.json`)
 * is its own; Goldsmith reads the JSON files under its export's own prefix (a random component per export) and takes
 * only Inspector's CycloneDX document of one container image (core/sbom/export-files.ts), whatever their layout. The file's shape follows the
 * example on https://docs.aws.amazon.com/inspector/latest/user/sbom-export.html (metadata properties, components
 * with `name`, `purl`, `bom-ref`).
 */

/** How long an export stays IN_PROGRESS on the virtual clock. */
export const EXPORT_MS = 4 * 60_000;

/** A container image the simulation pushed, as Inspector would have scanned it. */
export interface ScannedContainerImage {
  digest: string;
  packages: readonly { packageName: string; packageVersion: string }[];
}

interface SbomExport {
  reportId: string;
  accountId: string;
  region: string;
  format: string;
  filterCriteria: Record<string, { comparison?: string; value?: string }[] | undefined>;
  s3Destination: { bucketName: string; keyPrefix?: string | undefined; kmsKeyArn: string };
  createdAt: number;
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  errorCode?: string | undefined;
  errorMessage?: string | undefined;
}

const invalid = (message: string): Error =>
  new ValidationException({ message, reason: 'FIELD_VALIDATION_FAILED', $metadata: { httpStatusCode: 400 } });

const FORMATS = new Set(['CYCLONEDX_1_4', 'SPDX_2_3']);
const FILTERS = new Set(['ecrRepositoryName', 'ecrImageTags']);

/** One equality filter's value; the fake reads EQUALS filters on the repository and tag only. */
function equalsValue(filters: { comparison?: string; value?: string }[] | undefined, field: string): string {
  const [only, ...more] = filters ?? [];
  if (!only || more.length > 0 || only.comparison !== 'EQUALS' || !only.value) {
    throw new NotImplementedByFakeError('inspector2', `CreateSbomExport ${field} other than one EQUALS filter`);
  }
  return only.value;
}

/** A deb/rpm-ish package URL of an Amazon Linux package (`1:3.0.8-1…` → version with `epoch=1`). */
function purlOf(name: string, version: string): string {
  const [epoch, rest] = version.includes(':') ? version.split(':', 2) : ['0', version];
  return `pkg:rpm/amazon/${encodeURIComponent(name)}@${encodeURIComponent(rest ?? version)}?epoch=${epoch}`;
}

export class SbomExportsFake {
  readonly exports = new Map<string, SbomExport>();
  private counter = 0;
  /** The images of a repository and tag in an account and Region (set by whoever installs the fakes). */
  images: (region: string, repository: string, tag: string) => ScannedContainerImage[] = () => [];

  constructor(
    private readonly now: () => number,
    private readonly s3: S3Fake,
  ) {}

  handle(call: FakeCall): unknown {
    if (call.action === 'CreateSbomExport') return this.create(call);
    if (call.action === 'GetSbomExport') return this.get(call);
    throw new NotImplementedByFakeError('inspector2', call.action);
  }

  private create(call: FakeCall): unknown {
    const { input } = call;
    if (typeof input.reportFormat !== 'string' || !FORMATS.has(input.reportFormat)) {
      throw invalid('reportFormat must be one of CYCLONEDX_1_4, SPDX_2_3');
    }
    const dest = input.s3Destination as SbomExport['s3Destination'] | undefined;
    if (!dest?.bucketName) throw invalid('s3Destination.bucketName is required');
    if (!dest.kmsKeyArn) throw invalid('s3Destination.kmsKeyArn is required');
    const criteria = (input.resourceFilterCriteria ?? {}) as SbomExport['filterCriteria'];
    for (const [field, filters] of Object.entries(criteria)) {
      if (!FILTERS.has(field)) throw new NotImplementedByFakeError('inspector2', `CreateSbomExport filter ${field}`);
      for (const f of filters ?? []) {
        if (f.comparison !== 'EQUALS' && f.comparison !== 'NOT_EQUALS') {
          throw invalid(`resourceFilterCriteria.${field}: comparison must be EQUALS or NOT_EQUALS`);
        }
      }
    }
    this.counter++;
    const reportId = `5b0e8c3a-0000-4000-8000-${this.counter.toString(16).padStart(12, '0')}`;
    this.exports.set(reportId, {
      reportId,
      accountId: call.accountId,
      region: call.region,
      format: input.reportFormat,
      filterCriteria: criteria,
      s3Destination: { bucketName: dest.bucketName, keyPrefix: dest.keyPrefix, kmsKeyArn: dest.kmsKeyArn },
      createdAt: this.now(),
      status: 'IN_PROGRESS',
    });
    return { reportId };
  }

  private get(call: FakeCall): unknown {
    const reportId = call.input.reportId;
    const found = typeof reportId === 'string' ? this.exports.get(reportId) : undefined;
    if (!found || found.accountId !== call.accountId || found.region !== call.region) {
      throw new ResourceNotFoundException({
        message: `Report ${String(reportId)} not found`,
        $metadata: { httpStatusCode: 404 },
      });
    }
    if (found.status === 'IN_PROGRESS' && this.now() >= found.createdAt + EXPORT_MS) this.finish(found);
    return {
      reportId: found.reportId,
      format: found.format,
      status: found.status,
      s3Destination: found.s3Destination,
      filterCriteria: found.filterCriteria,
      ...(found.errorCode ? { errorCode: found.errorCode, errorMessage: found.errorMessage } : {}),
    };
  }

  /** The export finishes: one file per matching image, or FAILED. */
  private finish(e: SbomExport): void {
    const repository = equalsValue(e.filterCriteria.ecrRepositoryName, 'ecrRepositoryName');
    const tag = equalsValue(e.filterCriteria.ecrImageTags, 'ecrImageTags');
    const { bucketName, keyPrefix } = e.s3Destination;
    if (!this.s3.buckets.has(bucketName)) {
      Object.assign(e, {
        status: 'FAILED',
        errorCode: 'BUCKET_NOT_FOUND',
        errorMessage: `Bucket ${bucketName} not found`,
      });
      return;
    }
    const images = this.images(e.region, repository, tag);
    if (images.length === 0) {
      Object.assign(e, {
        status: 'FAILED',
        errorCode: 'NO_FINDINGS_FOUND',
        errorMessage: `No resources match the filter criteria (${repository}:${tag})`,
      });
      return;
    }
    if (e.format !== 'CYCLONEDX_1_4') throw new NotImplementedByFakeError('inspector2', 'SBOM export as SPDX_2_3');
    const prefix = keyPrefix ? `${keyPrefix.replace(/\/$/, '')}/` : '';
    for (const image of images) {
      const key = `${prefix}${e.reportId}/${e.accountId}/${repository}/${image.digest.replace('sha256:', '')}.json`;
      this.s3.putFromService(bucketName, key, JSON.stringify(this.document(e, image)));
    }
    e.status = 'SUCCEEDED';
  }

  private document(e: SbomExport, image: ScannedContainerImage): object {
    return {
      bomFormat: 'CycloneDX',
      specVersion: '1.4',
      version: 1,
      metadata: {
        timestamp: new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        component: null,
        properties: [
          { name: 'imageId', value: image.digest },
          { name: 'architecture', value: 'amd64' },
          { name: 'accountId', value: e.accountId },
          { name: 'resourceType', value: 'AWS_ECR_CONTAINER_IMAGE' },
        ],
      },
      components: image.packages.map((p, i) => ({
        type: 'application',
        name: p.packageName,
        purl: purlOf(p.packageName, p.packageVersion),
        'bom-ref': `${image.digest.slice(7, 23)}-${i}`,
      })),
    };
  }
}
