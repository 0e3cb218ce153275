import { CreateSbomExportCommand, GetSbomExportCommand } from '@aws-sdk/client-inspector2';
import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk } from '../../core/ledger/keys.js';
import { safePackages } from '../../core/lifecycle/finding-scope.js';
import { sbomDocuments } from '../../core/sbom/documents.js';
import { packagesOfCycloneDx, type SbomExportRecord } from '../../core/sbom/inspector-export.js';
import { contentOf, contentSk, inventoryPackages } from '../../core/sbom/ledger-content.js';
import type { SbomPackage } from '../../core/sbom/model.js';
import type { LedgerItem } from '../../core/status/ledger-item.js';
import { recordInventory } from '../builds/image-packages.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { inspector2Client } from '../clients/inspector2.js';
import { s3Client, sbomBucket } from '../clients/s3.js';
import { moveSbomExport, putSbomExport, sbomExportKeyArn } from './export-records.js';
import { keepSboms } from './sbom-objects.js';

/**
 * Carries a container version's SBOM export on (aws/sbom/export-records.ts holds the records): starts a requested one
 * (CreateSbomExport), polls a running one (GetSbomExport), reads a finished one's CycloneDX 1.4 files from the SBOM
 * bucket into the version's inventory and SBOMs. Run by the scheduled poller (functions/sbom-exports.ts).
 */

/**
 * Starts a requested export: claimed first (REQUESTED → STARTING, conditional), so of two runs one calls
 * CreateSbomExport; a claim a failed run left STARTING is started by the next.
 * @returns the record after this step (unchanged when another run claimed it).
 */
export async function startSbomExport(record: SbomExportRecord): Promise<SbomExportRecord> {
  const kmsKeyArn = sbomExportKeyArn();
  if (!kmsKeyArn) throw new Error('SBOM_EXPORT_KEY_ARN is not set');
  if (record.status === 'REQUESTED' && !(await moveSbomExport({ ...record, status: 'STARTING' }, 'REQUESTED'))) {
    return record;
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

/** The packages of every CycloneDX file the export wrote under its prefix (one per image it covered). */
async function exportedPackages(record: SbomExportRecord): Promise<{ files: number; packages: SbomPackage[] }> {
  const bucket = sbomBucket();
  const byKey = new Map<string, SbomPackage>();
  let files = 0;
  const pages = paginateListObjectsV2({ client: s3Client() }, { Bucket: bucket, Prefix: `${record.keyPrefix}/` });
  for await (const page of pages) {
    for (const object of page.Contents ?? []) {
      if (!object.Key?.endsWith('.json')) continue;
      const got = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
      const text = (await got.Body?.transformToString('utf-8')) ?? '';
      files++;
      for (const p of packagesOfCycloneDx(JSON.parse(text))) byKey.set(`${p.type} ${p.name} ${p.version}`, p);
    }
  }
  return { files, packages: [...byKey.values()] };
}

/**
 * Reads a finished export into the version: its packages as the inventory, the content's `packageSource` set to
 * `inspector` (after the inventory, so no reader meets an `inspector` content without its packages), the SBOMs
 * written again from the inventory as recorded (as every later rewrite renders them: the same bytes). Idempotent.
 */
async function readExport(record: SbomExportRecord, at: string): Promise<SbomExportRecord> {
  const { files, packages } = await exportedPackages(record);
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
      return readExport(record, at);
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
