import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk, openWork, skPrefix } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite, putItemOnce } from '../ledger/ledger-writes.js';
import { openWorkItems } from '../ledger/open-work.js';

/**
 * Revocations asked for a later time, in the image's partition under `REVOKE-AT#<version>`: a prefix of its own, so
 * nothing that reads revocations (`REVOCATION#`: getRevocation, listRevocations, refuseIfRevoked, the lifecycle's
 * view) takes a version that is only due to be revoked for a revoked one.
 */

export interface ScheduledRevocation {
  image: string;
  version: string;
  reason: string;
  /** Who asked (the ARN AWS authenticated). */
  by: string;
  /** When it was asked. */
  requestedAt: string;
  /** When the revocation is due (the schedule's time, to the second). */
  dueAt: string;
  /** The EventBridge Scheduler schedule that will carry it out. */
  schedule: string;
  /** Set when it was cancelled before it was due (`revoke --cancel`): who, when and why. */
  cancelledAt?: string;
  cancelledBy?: string;
  cancelReason?: string;
  /** Set when the version was revoked at once before it was due: when that revocation happened, and by whom. */
  supersededAt?: string;
  supersededBy?: string;
  /** Revocations of this version scheduled and cancelled before this one, oldest first. */
  cancelledBefore?: CancelledRevocation[];
  /** Set while open (aws/lifecycle/scheduled-revocations.ts `OPEN`). */
  openWork?: string;
}

/** A scheduled revocation that was cancelled, as kept when the version is scheduled again. */
export interface CancelledRevocation {
  dueAt: string;
  by: string;
  requestedAt: string;
  reason: string;
  cancelledAt: string;
  cancelledBy: string;
  cancelReason?: string;
}

/**
 * An uncancelled scheduled revocation carries `openWork` (the ledger's sparse open-work index), so the reconciler's
 * audit reads every image's open ones in one Query; cancelling, superseding, or the audit finding it carried out
 * removes it. The audit's daily full pass still reads every image's `REVOKE-AT#` items, open or not.
 */
const OPEN = { openWork: openWork.scheduledRevocation } as const;

const key = (image: string, version: string) => ({
  pk: imagePk(image),
  sk: `${skPrefix.scheduledRevocation}${version}`,
});

/**
 * Records a scheduled revocation, once. A cancelled one of the same version is replaced, and kept in
 * `cancelledBefore` (`previous`, as read before: the write is conditional on it still being the cancelled one).
 * @returns false when one was already recorded (a repeat of the request: announced once).
 */
export async function recordScheduledRevocation(
  record: ScheduledRevocation,
  previous?: ScheduledRevocation,
): Promise<boolean> {
  if (!previous?.cancelledAt || !previous.cancelledBy) {
    return putItemOnce({ ...key(record.image, record.version), kind: 'scheduled-revocation', ...record, ...OPEN });
  }
  const cancelled: CancelledRevocation = {
    dueAt: previous.dueAt,
    by: previous.by,
    requestedAt: previous.requestedAt,
    reason: previous.reason,
    cancelledAt: previous.cancelledAt,
    cancelledBy: previous.cancelledBy,
    ...(previous.cancelReason ? { cancelReason: previous.cancelReason } : {}),
  };
  return conditionalWrite(() =>
    documentClient().send(
      new PutCommand({
        TableName: ledgerTable(),
        Item: {
          ...key(record.image, record.version),
          kind: 'scheduled-revocation',
          ...record,
          ...OPEN,
          cancelledBefore: [...(previous.cancelledBefore ?? []), cancelled],
        },
        ConditionExpression: 'cancelledAt = :cancelledAt AND dueAt = :dueAt',
        ExpressionAttributeValues: { ':cancelledAt': previous.cancelledAt, ':dueAt': previous.dueAt },
      }),
    ),
  );
}

/**
 * Marks a scheduled revocation cancelled (before its schedule is deleted: a schedule that fires in between finds it
 * cancelled and revokes nothing), once, and only the one due at `dueAt`.
 * @returns false when it was cancelled before, or is not the one due at `dueAt` any more.
 */
export async function markScheduledRevocationCancelled(
  image: string,
  version: string,
  dueAt: string,
  cancel: { by: string; at: string; reason?: string | undefined },
): Promise<boolean> {
  return updateOnce(
    image,
    version,
    `SET cancelledAt = :at, cancelledBy = :by${cancel.reason ? ', cancelReason = :reason' : ''} REMOVE openWork`,
    'dueAt = :dueAt AND attribute_not_exists(cancelledAt)',
    { ':at': cancel.at, ':by': cancel.by, ':dueAt': dueAt, ...(cancel.reason ? { ':reason': cancel.reason } : {}) },
  );
}

/** The scheduled revocation recorded for a build, if any. */
export async function getScheduledRevocation(image: string, version: string): Promise<ScheduledRevocation | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: key(image, version), ConsistentRead: true }),
  );
  return out.Item as ScheduledRevocation | undefined;
}

/**
 * Marks a scheduled revocation superseded (the version was revoked at once before it was due), once, and only the
 * one due at `dueAt` that was not cancelled.
 * @returns false when it was marked before, cancelled, or is not the one due at `dueAt` any more.
 */
export async function markScheduledRevocationSuperseded(
  image: string,
  version: string,
  dueAt: string,
  superseded: { at: string; by: string },
): Promise<boolean> {
  return updateOnce(
    image,
    version,
    'SET supersededAt = :at, supersededBy = :by REMOVE openWork',
    'dueAt = :dueAt AND attribute_not_exists(cancelledAt) AND attribute_not_exists(supersededAt)',
    { ':at': superseded.at, ':by': superseded.by, ':dueAt': dueAt },
  );
}

/**
 * Takes a scheduled revocation out of the open-work index once the audit has found its version revoked (carried
 * out by its schedule or by the audit): the item stays as it is otherwise.
 * @returns false when it was closed before or is not the one due at `dueAt` any more.
 */
export async function closeScheduledRevocation(image: string, version: string, dueAt: string): Promise<boolean> {
  return updateOnce(image, version, 'REMOVE openWork', 'dueAt = :dueAt AND attribute_exists(openWork)', {
    ':dueAt': dueAt,
  });
}

/** Every image's open scheduled revocations (uncancelled, not yet found revoked): one Query of the open-work index. */
export async function openScheduledRevocations(): Promise<ScheduledRevocation[]> {
  return openWorkItems<ScheduledRevocation>(openWork.scheduledRevocation);
}

/** One conditional update of a version's `REVOKE-AT#` item; false when its condition no longer holds. */
function updateOnce(
  image: string,
  version: string,
  update: string,
  condition: string,
  values: Record<string, unknown>,
): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: key(image, version),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeValues: values,
      }),
    ),
  );
}
