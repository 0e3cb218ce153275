import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UsageObservation } from '../../core/fleet/usage.js';
import { holdSk, imagePk, openWork, skPrefix } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';
import { openWorkItems } from '../ledger/open-work.js';
import { queryPrefix } from '../lifecycle/lifecycle-ledger.js';

/**
 * The fleet side of the ledger (core/ledger/README.md, "Reserved for the held organization and the fleet"):
 * `USAGE#<buildVersion>#<region>` (the report asked for, open work `usage-report` until read; the last observation)
 * and `HOLD#<buildVersion>` (a deletion held because the version is in use). The sweep's writes to `USAGE#` items are
 * aws/fleet/usage-writes.ts.
 */

export interface UsageItem {
  sk: string;
  image: string;
  version: string;
  region: string;
  imageId: string;
  reportId?: string;
  requestedAt?: string;
  observedAt?: string;
  /** When the report behind the last observation was asked for (it counts what ran a few minutes after). */
  lastRequestedAt?: string;
  accounts?: UsageObservation['accounts'];
  instances?: number;
  launchTemplates?: number;
}

export interface HoldItem {
  sk: string;
  version: string;
  firstHeldAt: string;
  lastHeldAt: string;
  heldUntil: string;
  accounts: string[];
  instances: number;
  /** When the hold's end was announced (`hold-expired`), once. */
  expiryAnnouncedAt?: string;
  /** An operator's release (`goldsmith lifecycle release`): the next sweep deletes it although it is in use. */
  releasedAt?: string;
  releasedBy?: string;
  releaseReason?: string;
}

/** Every usage item of an image (paginated). */
export function listUsage(image: string): Promise<UsageItem[]> {
  return queryPrefix<UsageItem>(image, skPrefix.usage);
}

/**
 * Every usage report asked for and not yet read, of every image (the open-work index, kind `usage-report`): its
 * Region and id only. Eventually consistent: a report asked for a moment ago may be missing (read on a later pass).
 */
export async function listPendingUsageReports(): Promise<{ region: string; reportId: string }[]> {
  const items = await openWorkItems<{ region?: unknown; reportId?: unknown }>(openWork.usageReport, undefined, [
    'region',
    'reportId',
  ]);
  return items.flatMap((i) =>
    typeof i.region === 'string' && typeof i.reportId === 'string' ? [{ region: i.region, reportId: i.reportId }] : [],
  );
}

/** Every retention hold of an image (paginated). */
export function listHolds(image: string): Promise<HoldItem[]> {
  return queryPrefix<HoldItem>(image, skPrefix.hold);
}

/** Records (or extends) a hold: the first time is kept, the latest users replace the earlier ones. */
export async function recordHold(
  image: string,
  version: string,
  at: string,
  heldUntil: string,
  users: { accounts: string[]; instances: number },
): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: { pk: imagePk(image), sk: holdSk(version) },
      UpdateExpression:
        'SET version = :version, firstHeldAt = if_not_exists(firstHeldAt, :at), heldUntil = if_not_exists(heldUntil, :until), lastHeldAt = :at, accounts = :accounts, instances = :instances',
      ExpressionAttributeValues: {
        ':version': version,
        ':at': at,
        ':until': heldUntil,
        ':accounts': users.accounts,
        ':instances': users.instances,
      },
    }),
  );
}

/** Marks a hold's end announced, once. @returns false when it was announced before. */
export async function markHoldExpiryAnnounced(image: string, version: string, at: string): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(image), sk: holdSk(version) },
        UpdateExpression: 'SET expiryAnnouncedAt = :at',
        ConditionExpression: 'attribute_exists(sk) AND attribute_not_exists(expiryAnnouncedAt)',
        ExpressionAttributeValues: { ':at': at },
      }),
    ),
  );
}

/**
 * Records an operator's release of a held version, once: the hold must exist and not be released yet.
 * @returns false when there is no such hold or it was released before (the caller tells which).
 */
export async function releaseHold(
  image: string,
  version: string,
  release: { by: string; reason: string; at: string },
): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(image), sk: holdSk(version) },
        UpdateExpression: 'SET releasedAt = :at, releasedBy = :by, releaseReason = :reason',
        ConditionExpression: 'attribute_exists(sk) AND attribute_not_exists(releasedAt)',
        ExpressionAttributeValues: { ':at': release.at, ':by': release.by, ':reason': release.reason },
      }),
    ),
  );
}
