import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UsageObservation } from '../../core/fleet/usage.js';
import { holdSk, imagePk, openWork, skPrefix, usageSk } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';
import { openWorkItems } from '../ledger/open-work.js';
import { queryPrefix } from '../lifecycle/lifecycle-ledger.js';

/**
 * The fleet side of the ledger (core/ledger/README.md, "Reserved for the held organization and the fleet"):
 * `USAGE#<buildVersion>#<region>` (the report asked for, open work `usage-report` until read; the last observation)
 * and `HOLD#<buildVersion>` (a deletion held because the version is in use).
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

/** Records a report asked for (open work until read); a second request while one is pending changes nothing. */
export async function recordUsageRequested(
  u: Pick<UsageItem, 'image' | 'version' | 'region' | 'imageId'>,
  reportId: string,
  at: string,
): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(u.image), sk: usageSk(u.version, u.region) },
        UpdateExpression:
          'SET image = :image, version = :version, #region = :region, imageId = :imageId, reportId = :reportId, requestedAt = :at, openWork = :work',
        ConditionExpression: 'attribute_not_exists(reportId) OR reportId = :reportId',
        ExpressionAttributeNames: { '#region': 'region' },
        ExpressionAttributeValues: {
          ':image': u.image,
          ':version': u.version,
          ':region': u.region,
          ':imageId': u.imageId,
          ':reportId': reportId,
          ':at': at,
          ':work': openWork.usageReport,
        },
      }),
    ),
  );
}

/**
 * Records what a report said, once per report: the open work closes, or, with `next` (the report asked for next, in
 * the same pass), stays open for it — one UpdateItem a day per AMI instead of two.
 */
export async function recordUsageObserved(
  u: Pick<UsageItem, 'image' | 'version' | 'region'>,
  reportId: string,
  observation: UsageObservation,
  next?: { reportId: string; at: string },
): Promise<boolean> {
  const observed =
    'SET observedAt = :at, accounts = :accounts, instances = :instances, launchTemplates = :templates, lastReportId = :reportId, lastRequestedAt = requestedAt';
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(u.image), sk: usageSk(u.version, u.region) },
        UpdateExpression: next
          ? `${observed}, reportId = :next, requestedAt = :nextAt`
          : `${observed} REMOVE reportId, requestedAt, openWork`,
        ConditionExpression: 'reportId = :reportId',
        ExpressionAttributeValues: {
          ':at': observation.observedAt,
          ':accounts': observation.accounts,
          ':instances': observation.instances,
          ':templates': observation.launchTemplates,
          ':reportId': reportId,
          ...(next && { ':next': next.reportId, ':nextAt': next.at }),
        },
      }),
    ),
  );
}

/** Forgets a report that ended in error or is gone (the next run asks again), keeping the last observation. */
export async function clearUsageRequest(
  u: Pick<UsageItem, 'image' | 'version' | 'region'>,
  reportId: string,
  reason: string,
): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(u.image), sk: usageSk(u.version, u.region) },
        UpdateExpression: 'SET lastReportError = :reason REMOVE reportId, requestedAt, openWork',
        ConditionExpression: 'reportId = :reportId',
        ExpressionAttributeValues: { ':reportId': reportId, ':reason': reason },
      }),
    ),
  );
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
