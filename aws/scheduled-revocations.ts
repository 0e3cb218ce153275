import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk, skPrefix } from '../core/ledger/keys.js';
import { documentClient, ledgerTable } from './clients/dynamodb.js';
import { putItemOnce } from './ledger-writes.js';

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
}

const key = (image: string, version: string) => ({
  pk: imagePk(image),
  sk: `${skPrefix.scheduledRevocation}${version}`,
});

/**
 * Records a scheduled revocation, once.
 * @returns false when one was already recorded (a repeat of the request: announced once).
 */
export async function recordScheduledRevocation(record: ScheduledRevocation): Promise<boolean> {
  return putItemOnce({ ...key(record.image, record.version), kind: 'scheduled-revocation', ...record });
}

/** The scheduled revocation recorded for a build, if any. */
export async function getScheduledRevocation(image: string, version: string): Promise<ScheduledRevocation | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: key(image, version), ConsistentRead: true }),
  );
  return out.Item as ScheduledRevocation | undefined;
}
