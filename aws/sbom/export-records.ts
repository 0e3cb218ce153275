import { GetCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { imagePk } from '../../core/ledger/keys.js';
import {
  containerTarget,
  exportKeyPrefix,
  FINISHED_EXPORT,
  SBOM_EXPORT_PREFIX,
  type SbomExportRecord,
  sbomExportOf,
  sbomExportSk,
} from '../../core/sbom/inspector-export.js';
import type { RecordedContent } from '../../core/sbom/ledger-content.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';

/**
 * The ledger's `SBOMEXPORT#<version>` items (core/sbom/inspector-export.ts): a container version's SBOM export,
 * requested when its content is recorded and carried on by the scheduled poller (aws/sbom/inspector-export.ts). No
 * Inspector call here, so the functions that only request an export carry no Inspector client.
 */

/**
 * The KMS key Inspector encrypts the export with (`s3Destination.kmsKeyArn` is required): `SBOM_EXPORT_KEY_ARN`,
 * which the stacks set on the functions that request and start exports; undefined where it is not set.
 */
export function sbomExportKeyArn(): string | undefined {
  return process.env.SBOM_EXPORT_KEY_ARN || undefined;
}

const key = (image: string, version: string) => ({ pk: imagePk(image), sk: sbomExportSk(version) });

interface Condition {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** Writes the record as it now is (a Put of the whole item), where `condition` holds. */
export async function putSbomExport(record: SbomExportRecord, condition?: Condition): Promise<SbomExportRecord> {
  await documentClient().send(
    new PutCommand({
      TableName: ledgerTable(),
      Item: { ...key(record.image, record.version), kind: 'sbom-export', ...record },
      ...condition,
    }),
  );
  return record;
}

/** The export recorded for a version, if any (a consistent read). */
export async function sbomExportRecord(image: string, version: string): Promise<SbomExportRecord | undefined> {
  const found = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: key(image, version), ConsistentRead: true }),
  );
  return found.Item ? sbomExportOf(found.Item) : undefined;
}

const isConditionFailure = (error: unknown) => (error as { name?: string }).name === 'ConditionalCheckFailedException';

/**
 * Requests the SBOM export of a container version, once: `SBOMEXPORT#<version>` is written only where there is none
 * (a conditional write), so a re-delivered event or the reconciler's later look requests nothing more.
 * @returns the export as the ledger holds it, or undefined when the build's output names no ECR image or no export
 * key is set (the version's packages then stay unknown).
 */
export async function requestSbomExport(
  content: RecordedContent,
  containerUris: readonly string[],
  at: string,
): Promise<SbomExportRecord | undefined> {
  const target = containerTarget(containerUris);
  if (!target || !sbomExportKeyArn()) return undefined;
  const record: SbomExportRecord = {
    image: content.image,
    version: content.version,
    ...target,
    keyPrefix: exportKeyPrefix(content.image, content.version),
    status: 'REQUESTED',
    startedAt: at,
  };
  try {
    return await putSbomExport(record, { ConditionExpression: 'attribute_not_exists(sk)' });
  } catch (error) {
    if (isConditionFailure(error)) return sbomExportRecord(content.image, content.version);
    throw error;
  }
}

/**
 * Moves a record on from the status it was read with (`status = :was`): of two runs acting on the same record, one
 * wins. @returns false when another run moved it first.
 */
export async function moveSbomExport(record: SbomExportRecord, was: SbomExportRecord['status']): Promise<boolean> {
  try {
    await putSbomExport(record, {
      ConditionExpression: '#status = :was',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':was': was },
    });
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Asks DynamoDB for the unfinished records only: the finished ones (nearly all of an image's, since each version
 * keeps its record) were read and thrown away here every hour otherwise — 2,396 Queries returning 6.4 MB a
 * simulated quarter. "A filter expression is applied after a Query finishes, but before the results are returned"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.FilterExpression.html): the read costs
 * the same capacity, but the finished records are no longer returned, nor unmarshalled. The 1 MB page limit applies
 * before the filter, so a page may come back short or empty with a LastEvaluatedKey: the paginator reads on.
 * `status` is one of DynamoDB's reserved words
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ReservedWords.html), hence `#status`.
 */
const FINISHED_VALUES = Object.fromEntries([...FINISHED_EXPORT].map((status, i) => [`:finished${i}`, status]));
const OPEN_EXPORT_FILTER = `NOT (#status IN (${Object.keys(FINISHED_VALUES).join(', ')}))`;

/** The exports of `image` not finished yet. */
export async function openSbomExports(image: string): Promise<SbomExportRecord[]> {
  const out: SbomExportRecord[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: ledgerTable(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: OPEN_EXPORT_FILTER,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pk': imagePk(image), ':prefix': SBOM_EXPORT_PREFIX, ...FINISHED_VALUES },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      // The filter already left the finished ones out; a record that does not parse is skipped as before.
      const record = sbomExportOf(item);
      if (record && !FINISHED_EXPORT.has(record.status)) out.push(record);
    }
  }
  return out;
}
