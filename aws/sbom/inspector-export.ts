import { CreateSbomExportCommand, GetSbomExportCommand } from '@aws-sdk/client-inspector2';
import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk } from '../../core/ledger/keys.js';
import { safePackages } from '../../core/lifecycle/finding-scope.js';
import { announcement } from '../../core/notifications/announce.js';
import { sbomDocuments } from '../../core/sbom/documents.js';
import { imagesRefusal, type ReportDescription, readExportFile, reportRefusal } from '../../core/sbom/export-files.js';
import { exportKeyPrefix, hasExportNonce, type SbomExportRecord } from '../../core/sbom/inspector-export.js';
import { contentOf, contentSk, inventoryPackages } from '../../core/sbom/ledger-content.js';
import type { SbomPackage } from '../../core/sbom/model.js';
import type { LedgerItem } from '../../core/status/ledger-item.js';
import { recordInventory } from '../builds/image-packages.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { inspector2Client } from '../clients/inspector2.js';
import { clientNonce } from '../clients/registry.js';
import { s3Client, sbomBucket, sbomBucketOwner } from '../clients/s3.js';
import { announce } from '../notifications/notifications.js';
import { moveSbomExport, putSbomExport, sbomExportKeyArn } from './export-records.js';
import { keepSboms } from './sbom-objects.js';

/**
 * Carries a container version's SBOM export on (aws/sbom/export-records.ts holds the records): starts a requested one
 * (CreateSbomExport), polls a running one (GetSbomExport), reads a finished one's CycloneDX 1.4 files from the SBOM
 * bucket into the version's inventory and SBOMs. Run by the scheduled poller (functions/sbom-exports.ts).
 */

/** A claim's random key prefix component: 128 bits, as hex. */
const nonce = (image: string, version: string) => clientNonce(16, `sbom-export ${image} ${version}`);

/**
 * Starts a requested export: claimed first (REQUESTED → STARTING, conditional), with its key prefix's random
 * component recorded in the same write, so of two runs one calls CreateSbomExport, and only under a prefix the ledger
 * held before the call; a claim a failed run left STARTING is started by the next, under the prefix it recorded (a
 * claim recorded without one gets one first).
 * @returns the record after this step (unchanged when another run claimed it).
 */
export async function startSbomExport(input: SbomExportRecord): Promise<SbomExportRecord> {
  const kmsKeyArn = sbomExportKeyArn();
  if (!kmsKeyArn) throw new Error('SBOM_EXPORT_KEY_ARN is not set');
  let record = input;
  if (record.status === 'REQUESTED' || !hasExportNonce(record)) {
    const claimed: SbomExportRecord = {
      ...record,
      status: 'STARTING',
      keyPrefix: exportKeyPrefix(record.image, record.version, nonce(record.image, record.version)),
    };
    if (!(await moveSbomExport(claimed, record.status))) return record;
    record = claimed;
  }
  const out = await inspector2Client().send(
    new CreateSbomExportCommand({
      reportFormat: 'CYCLONEDX_1_4',
      resourceFilterCriteria: {
        ecrRepositoryName: [{ comparison: 'EQUALS', value: record.repository }],
        ecrImageTags: [{ comparison: 'EQUALS', value: record.tag }],
      },
      s3Destination: { bucketName: sbomBucket(), keyPrefix: record.keyPrefix, kmsKeyArn },
    }),
  );
  if (!out.reportId) throw new Error(`CreateSbomExport for ${record.repository}:${record.tag} answered no reportId`);
  return putSbomExport({ ...record, status: 'IN_PROGRESS', reportId: out.reportId });
}

type Exported = { files: number; packages: SbomPackage[] } | { refused: { key: string; why: string } };

/**
 * The packages of the file the export wrote under its own prefix (one per image it covered: its filter names one), or
 * the first file refused (core/sbom/export-files.ts).
 */
async function exportedPackages(record: SbomExportRecord): Promise<Exported> {
  const bucket = sbomBucket();
  const byKey = new Map<string, SbomPackage>();
  const images: { key: string; imageId: string }[] = [];
  const owner = sbomBucketOwner();
  const pages = paginateListObjectsV2(
    { client: s3Client() },
    { Bucket: bucket, Prefix: `${record.keyPrefix}/`, ...owner },
  );
  for await (const page of pages) {
    for (const object of page.Contents ?? []) {
      // "Amazon Inspector exports SBOMs as JSON files" (https://docs.aws.amazon.com/inspector/latest/user/sbom-export.html).
      if (!object.Key?.endsWith('.json')) continue;
      const got = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: object.Key, ...owner }));
      const file = readExportFile((await got.Body?.transformToString('utf-8')) ?? '', record);
      if ('refused' in file) return { refused: { key: object.Key, why: file.refused } };
      images.push({ key: object.Key, imageId: file.imageId });
      for (const p of file.packages) byKey.set(`${p.type} ${p.name} ${p.version}`, p);
    }
  }
  const mixed = imagesRefusal(images);
  return mixed ? { refused: mixed } : { files: images.length, packages: [...byKey.values()] };
}

/**
 * Fails the export, once, on what Goldsmith refused in it: announced (`claim-refused`, keyed by the version's export,
 * so a retried pass announces nothing twice), then recorded FAILED naming the file; the version's packages stay
 * unknown and nothing of the export is read into it.
 */
async function refuseExport(record: SbomExportRecord, refused: { key: string; why: string }, at: string) {
  const reason = `refused ${refused.key}: ${refused.why}`;
  await announce(
    announcement(
      'claim-refused',
      { image: record.image, version: record.version },
      {
        claim: 'sbom-export',
        found: `${refused.key} under the export's prefix ${record.keyPrefix} (report ${record.reportId ?? 'none'})`,
        reason: `${refused.why}; the version's packages stay unknown, its SBOMs list none`,
      },
      { at, key: `sbom-export/${record.image}/${record.version}` },
    ),
    new Date(at),
  );
  return putSbomExport({ ...record, status: 'FAILED', reason, refusedFile: refused.key, finishedAt: at });
}

/**
 * Reads a finished export into the version: its packages as the inventory, the content's `packageSource` set to
 * `inspector` (after the inventory, so no reader meets an `inspector` content without its packages), the SBOMs
 * written again from the inventory as recorded (as every later rewrite renders them: the same bytes). Idempotent.
 */
async function readExport(record: SbomExportRecord, report: ReportDescription, at: string): Promise<SbomExportRecord> {
  const notOurs = reportRefusal(report, record, sbomBucket());
  if (notOurs) return refuseExport(record, { key: `report ${record.reportId ?? 'none'}`, why: notOurs }, at);
  const exported = await exportedPackages(record);
  if ('refused' in exported) return refuseExport(record, exported.refused, at);
  const { files, packages } = exported;
  if (files === 0 || packages.length === 0) {
    return putSbomExport({
      ...record,
      status: 'NOT_COVERED',
      reason: `Inspector exported no packages for ${record.repository}:${record.tag} (not scanned by Inspector's enhanced scanning, or an operating system it does not support)`,
      finishedAt: at,
    });
  }
  const contentKey = { pk: imagePk(record.image), sk: contentSk(record.version) };
  const got = await documentClient().send(new GetCommand({ TableName: ledgerTable(), Key: contentKey }));
  // Read as recorded, its packages aside (they are the ones being recorded now).
  const item: LedgerItem | undefined = got.Item ? { ...got.Item, packageSource: 'none' } : undefined;
  const content = item ? contentOf([item], record.version) : undefined;
  if (!content) throw new Error(`CONTENT#${record.version} of ${record.image} is not recorded`);
  // A container image's package names are its author's: one that would forge an inventory line is left out and counted.
  const { kept, skipped } = safePackages(packages);
  const inventory = await recordInventory(record.image, record.version, { packages: kept, skipped }, at);
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: contentKey,
      UpdateExpression: 'SET packageSource = :inspector',
      ExpressionAttributeValues: { ':inspector': 'inspector' },
    }),
  );
  await keepSboms({ ...content, packageSource: 'inspector', packages: inventoryPackages(inventory) }, sbomDocuments);
  return putSbomExport({ ...record, status: 'READ', reason: undefined, finishedAt: at });
}

/**
 * Polls one running export (GetSbomExport) and acts on what it says: IN_PROGRESS → nothing; SUCCEEDED → read; FAILED
 * or CANCELLED → recorded with Inspector's reason, the version's packages staying unknown (`packageSource: 'none'`).
 */
export async function pollSbomExport(record: SbomExportRecord, at: string): Promise<SbomExportRecord> {
  if (record.status === 'REQUESTED' || record.status === 'STARTING') return startSbomExport(record);
  const out = await inspector2Client().send(new GetSbomExportCommand({ reportId: record.reportId }));
  switch (out.status) {
    case 'SUCCEEDED':
      return readExport(record, out, at);
    case 'FAILED':
    case 'CANCELLED':
      return putSbomExport({
        ...record,
        status: out.status,
        reason: `${out.errorCode ?? out.status}: ${out.errorMessage ?? 'Inspector gave no message'}`,
        finishedAt: at,
      });
    default:
      return record;
  }
}
