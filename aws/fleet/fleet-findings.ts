import { createHash } from 'node:crypto';
import { AccountNotFoundException, DescribeAccountCommand } from '@aws-sdk/client-organizations';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { buildSk, imagePk } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { organizationsClient } from '../clients/organizations.js';
import { putItemOnce } from '../ledger/ledger-writes.js';

/**
 * Fleet findings: Inspector findings on instances launched from one of our AMIs that are about what the instance's
 * owner did to it (a package installed later, a network setting), not about the image as built. Kept in the image's
 * partition as `FLEET#<buildVersion>#<findingKey>` (never read by the gates: they read `FINDINGS#`), once per
 * Inspector finding, so a finding Inspector updates again and again is announced once.
 */

/** A fleet finding as the ledger keeps it. */
export interface FleetFindingRecord {
  image: string;
  version: string;
  account: string;
  /** The instance (Inspector's resource id) and its Region. */
  resource: string;
  region: string;
  findingArn: string;
  severity: string;
  vulnerabilityId?: string | undefined;
  packages: string[];
  reason: string;
  at: string;
}

/** A short, fixed-length key for a finding ARN (the ARN itself would make the sort key as long as Inspector likes). */
export function findingKey(findingArn: string): string {
  return createHash('sha256').update(findingArn).digest('base64url').slice(0, 22);
}

/**
 * Records a fleet finding, once per Inspector finding.
 * @returns false when it was recorded before (a re-delivered or updated finding: announce nothing again).
 */
export async function recordFleetFinding(record: FleetFindingRecord): Promise<boolean> {
  return putItemOnce({
    pk: imagePk(record.image),
    sk: `FLEET#${record.version}#${findingKey(record.findingArn)}`,
    kind: 'fleet-finding',
    ...record,
  });
}

/**
 * Whether `accountId` is an active account of the organization (DescribeAccount answers AccountNotFoundException for
 * any other: https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeAccount.html). `State` is
 * read where Organizations returns it, else the older `Status`.
 */
export async function isActiveOrganizationAccount(accountId: string): Promise<boolean> {
  try {
    const out = await organizationsClient().send(new DescribeAccountCommand({ AccountId: accountId }));
    return String(out.Account?.State ?? out.Account?.Status ?? '') === 'ACTIVE';
  } catch (err) {
    if (err instanceof AccountNotFoundException || (err instanceof Error && err.name === 'AccountNotFoundException'))
      return false;
    throw err;
  }
}

/** The build version ARN the ledger recorded for a build of ours (on-image-event writes it), if any. */
export async function recordedBuildArn(image: string, version: string): Promise<string | undefined> {
  const out = await documentClient().send(
    new GetCommand({
      TableName: ledgerTable(),
      Key: { pk: imagePk(image), sk: buildSk(version) },
      ProjectionExpression: 'buildVersionArn',
      ConsistentRead: true,
    }),
  );
  const arn = out.Item?.buildVersionArn;
  return typeof arn === 'string' ? arn : undefined;
}
