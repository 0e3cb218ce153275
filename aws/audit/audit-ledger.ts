import { paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { FACTORY_AUDIT_PK, imagePk } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite, putItemOnce } from '../ledger/ledger-writes.js';
import { queryPrefix } from '../lifecycle/lifecycle-ledger.js';

/**
 * What the daily audit found AWS holding otherwise than the ledger says, in the image's partition under `DRIFT#`
 * (`goldsmith history` tells it): written when found, before anything is put back (so a run interrupted after its
 * repair finishes the record on the next pass), then marked repaired once AWS confirms the repair.
 */

export type DriftResource =
  | 'channel-tag'
  | 'repository-policy'
  | 'channel-pointer'
  | 'launch-permissions'
  | 'revocation-schedule'
  | 'event-rule'
  | 'subscription'
  | 'topic-policy'
  | 'queue-policy'
  | 'bus-policy'
  | 'function'
  | 'pointer-share'
  | 'pointer-policy'
  | 'role';

/** The partition of drifts that belong to no image (the factory's own rules). */
export const FACTORY_DRIFT_PK = FACTORY_AUDIT_PK;

/** The partition a drift is recorded in: its image's, or the factory's when it names no image. */
export const driftPk = (image: string) => (image ? imagePk(image) : FACTORY_DRIFT_PK);

export interface DriftRecord {
  /** The image the drift concerns; empty for a factory resource (an EventBridge rule). */
  image: string;
  /** `DRIFT#…`, from core/audit: the same change found again is the same record. */
  sk: string;
  resource: DriftResource;
  channel?: string | undefined;
  version?: string | undefined;
  region?: string | undefined;
  /** The resource's own name where the image does not name it (an EventBridge rule's). */
  name?: string | undefined;
  /** What AWS held, and what the ledger says it should, as people read them. */
  found: string;
  expected: string;
  /** What the audit does about it. */
  action: string;
  foundAt: string;
}

/** A drift record as read back, with its repair once confirmed. */
export interface HeldDrift extends DriftRecord {
  repairedAt?: string;
  /** What AWS confirmed after the repair (e.g. `ami-… (version 7)`). */
  confirmed?: string;
}

/** Records a drift, once. @returns false when it was recorded before (a retried run). */
export async function recordDrift(drift: DriftRecord): Promise<boolean> {
  const { image, sk, ...rest } = drift;
  return putItemOnce({ pk: driftPk(image), sk, kind: 'drift', image, ...rest });
}

/** Marks a recorded drift repaired, once. @returns false when it was marked before. */
export async function markDriftRepaired(image: string, sk: string, at: string, confirmed: string): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: driftPk(image), sk },
        UpdateExpression: 'SET repairedAt = :at, confirmed = :confirmed',
        ConditionExpression: 'attribute_exists(sk) AND attribute_not_exists(repairedAt)',
        ExpressionAttributeValues: { ':at': at, ':confirmed': confirmed },
      }),
    ),
  );
}

/**
 * The drifts of one kind recorded for an image and not yet confirmed repaired (`prefix`: `DRIFT#pointer#`, …);
 * `consistent`: a strongly consistent read (every drift recorded before it is in the answer).
 */
export async function openDrifts(image: string, prefix: string, consistent = false): Promise<HeldDrift[]> {
  return (await queryPrefix<HeldDrift>(image, prefix, undefined, consistent)).filter((d) => !d.repairedAt);
}

/**
 * The drifts recorded in the factory's partition (`FACTORY#audit`) whose sort key starts with `prefix`, repaired or
 * not (paginated; strongly consistent, so a record this run wrote is read back).
 */
export async function factoryDrifts(prefix: string): Promise<HeldDrift[]> {
  const items: HeldDrift[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: ledgerTable(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': FACTORY_DRIFT_PK, ':prefix': prefix },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) items.push(...((page.Items ?? []) as HeldDrift[]));
  return items;
}
