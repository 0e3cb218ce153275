import type { SbomPackage } from './model.js';

/**
 * A container version's SBOM export from Amazon Inspector, as the ledger keeps it (`SBOMEXPORT#<version>`), and the
 * packages read from what the export wrote. Pure.
 *
 * CreateSbomExport (https://docs.aws.amazon.com/inspector/v2/APIReference/API_CreateSbomExport.html) takes a
 * `reportFormat` (CYCLONEDX_1_4 | SPDX_2_3), `resourceFilterCriteria` (here `ecrRepositoryName` and `ecrImageTags`)
 * and an `s3Destination` whose `bucketName` and `kmsKeyArn` are required (the Destination object,
 * https://docs.aws.amazon.com/inspector/v2/APIReference/API_Destination.html), and answers a `reportId`.
 * GetSbomExport (https://docs.aws.amazon.com/inspector/v2/APIReference/API_GetSbomExport.html) answers its
 * `status` (IN_PROGRESS | SUCCEEDED | FAILED | CANCELLED) and, on failure, an `errorCode` (INTERNAL_ERROR |
 * INVALID_PERMISSIONS | NO_FINDINGS_FOUND | BUCKET_NOT_FOUND | INCOMPATIBLE_BUCKET_REGION | MALFORMED_KMS_KEY) and
 * `errorMessage`. Inspector exports SBOMs only "for all resources that Amazon Inspector supports and monitors"
 * (https://docs.aws.amazon.com/inspector/latest/user/sbom-export.html): an image it does not scan gets no file.
 */

export const SBOM_EXPORT_PREFIX = 'SBOMEXPORT#';
export const sbomExportSk = (version: string): string => `${SBOM_EXPORT_PREFIX}${version}`;

/** Where Inspector writes in the SBOM bucket: its own prefix, which the bucket policy lets it write and no more. */
export const INSPECTOR_EXPORT_PREFIX = 'inspector/';

/**
 * `REQUESTED`: recorded with the content, not started yet. `STARTING`: claimed by the poller, CreateSbomExport not
 * answered yet (a run that failed there leaves it to the next). `NOT_COVERED`: the export finished without an SBOM of the
 * image (Inspector does not scan it). `READ`: its packages are the version's inventory.
 */
export type SbomExportStatus =
  | 'REQUESTED'
  | 'STARTING'
  | 'IN_PROGRESS'
  | 'READ'
  | 'FAILED'
  | 'CANCELLED'
  | 'NOT_COVERED';

export interface SbomExportRecord {
  image: string;
  version: string;
  repository: string;
  tag: string;
  /** The account of the ECR registry the build pushed to (absent from a record written before it was kept). */
  account?: string | undefined;
  /**
   * Where Inspector writes it: the version's folder when requested; from the claim on, the version's folder and a
   * random component (`exportKeyPrefix`'s `nonce`), so no one can write there before the export is requested.
   */
  keyPrefix: string;
  status: SbomExportStatus;
  reportId?: string | undefined;
  /** Why the version's packages stay unknown (a failed, cancelled or empty export). */
  reason?: string | undefined;
  /** The export's file Goldsmith refused (not the build's image, or not a CycloneDX document): its key. */
  refusedFile?: string | undefined;
  startedAt: string;
  finishedAt?: string | undefined;
}

/** Statuses after which nothing more is done. */
export const FINISHED_EXPORT: ReadonlySet<SbomExportStatus> = new Set(['READ', 'FAILED', 'CANCELLED', 'NOT_COVERED']);

/**
 * The export's key prefix: the version's folder (`inspector/<image>/<version>`), and under it, once the export is
 * claimed, a random `nonce` (32 hex digits) recorded before CreateSbomExport is called: the folder is predictable, the
 * export's own prefix is not, so nothing written under it before the export was requested is read as the export.
 */
export function exportKeyPrefix(image: string, version: string, nonce?: string): string {
  const folder = `${INSPECTOR_EXPORT_PREFIX}${image}/${version.replaceAll('/', '-')}`;
  return nonce === undefined ? folder : `${folder}/${nonce}`;
}

/** Whether `keyPrefix` is the version's folder with a claim's random component under it. */
export function hasExportNonce(record: Pick<SbomExportRecord, 'image' | 'version' | 'keyPrefix'>): boolean {
  const folder = exportKeyPrefix(record.image, record.version);
  return record.keyPrefix.startsWith(`${folder}/`) && /^[0-9a-f]{32}$/.test(record.keyPrefix.slice(folder.length + 1));
}

/**
 * The ECR repository and tag of a container build's output URI (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>`,
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-pull-ecr-image.html), or undefined for another shape.
 */
export function containerTarget(
  uris: readonly string[],
): { account: string; repository: string; tag: string } | undefined {
  for (const uri of uris) {
    const m = /^(\d{12})\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/([^:@]+):([\w][\w.-]{0,127})$/.exec(uri);
    if (m?.[1] && m[2] && m[3]) return { account: m[1], repository: m[2], tag: m[3] };
  }
  return undefined;
}

/** A record read back from the ledger, or undefined for an item that is not one. */
export function sbomExportOf(item: Record<string, unknown>): SbomExportRecord | undefined {
  const str = (k: string) => (typeof item[k] === 'string' ? (item[k] as string) : undefined);
  const status = str('status') as SbomExportStatus | undefined;
  const image = str('image');
  const version = str('version');
  const repository = str('repository');
  const tag = str('tag');
  const keyPrefix = str('keyPrefix');
  const startedAt = str('startedAt');
  if (!status || !image || !version || !repository || !tag || !keyPrefix || !startedAt) return undefined;
  return {
    image,
    version,
    repository,
    tag,
    keyPrefix,
    status,
    startedAt,
    account: str('account'),
    reportId: str('reportId'),
    reason: str('reason'),
    refusedFile: str('refusedFile'),
    finishedAt: str('finishedAt'),
  };
}

/**
 * A package URL's type, name (with its namespace) and version (`pkg:rpm/amazonlinux/openssl@1:3.0.8-1?arch=x86_64`,
 * https://github.com/package-url/purl-spec/blob/master/PURL-SPECIFICATION.rst), percent-decoded.
 */
function purlParts(purl: string): { type: string; name: string; version?: string } | undefined {
  const m = /^pkg:([a-zA-Z][\w.+-]*)\/([^@?#]+)(?:@([^?#]+))?/.exec(purl);
  if (!m?.[1] || !m[2]) return undefined;
  const path = m[2].split('/').map(decodeURIComponent);
  return { type: m[1].toLowerCase(), name: path.at(-1) ?? m[2], version: m[3] ? decodeURIComponent(m[3]) : undefined };
}

/**
 * The packages of one CycloneDX 1.4 document as Inspector exports it: each component's name, and its version and
 * ecosystem from its package URL (the example on https://docs.aws.amazon.com/inspector/latest/user/sbom-export.html
 * gives `name`, `purl` and `bom-ref`; an epoch is a purl qualifier there, `epoch=1`, and is put back as `1:`).
 * Components without a version (unresolved hashes) are left out. Sorted, duplicates removed.
 * @throws Error naming the field when the document is not CycloneDX.
 */
export function packagesOfCycloneDx(document: unknown): SbomPackage[] {
  const doc = document as { bomFormat?: unknown; components?: unknown };
  if (doc?.bomFormat !== 'CycloneDX') throw new Error('SBOM export: bomFormat is not CycloneDX');
  const components = Array.isArray(doc.components) ? (doc.components as Record<string, unknown>[]) : [];
  const found = new Map<string, SbomPackage>();
  for (const c of components) {
    const purl = typeof c.purl === 'string' ? purlParts(c.purl) : undefined;
    const name = typeof c.name === 'string' && c.name ? c.name : purl?.name;
    let version = typeof c.version === 'string' && c.version ? c.version : purl?.version;
    if (!name || !version) continue;
    const epoch = typeof c.purl === 'string' ? /[?&]epoch=(\d+)/.exec(c.purl)?.[1] : undefined;
    if (epoch && epoch !== '0' && !version.includes(':')) version = `${epoch}:${version}`;
    const pkg: SbomPackage = { name, version, type: purl?.type ?? 'generic' };
    found.set(`${pkg.type} ${name} ${version}`, pkg);
  }
  return [...found.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0,
  );
}
