import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { buildSk, imagePk, skPrefix } from '../../core/ledger/keys.js';
import type { FindingCounts } from '../../core/promotion/types.js';
import type { RevocationAtOnce } from '../../core/trust/facts.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite, putItemOnce } from '../ledger/ledger-writes.js';

/**
 * Findings, revocations and retirement in the ledger. One item per finding
 * (`FINDINGS#<buildVersion>#<findingId>`), so a re-delivered finding overwrites itself instead of counting twice.
 */

/** A vulnerability finding on a build, from Inspector or Image Builder's CVE event. */
export interface FindingRecord {
  image: string;
  version: string;
  findingId: string;
  severity: string;
  source: string;
  at: string;
}

/** Records a finding (idempotent by finding id). */
export async function recordFinding(finding: FindingRecord): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: ledgerTable(),
      Item: {
        pk: imagePk(finding.image),
        sk: `FINDINGS#${finding.version}#${finding.findingId}`,
        kind: 'finding',
        ...finding,
      },
    }),
  );
}

/** One arrival of findings on a version and what was done about it (`history` tells it in one line). */
export interface FindingArrival {
  image: string;
  version: string;
  at: string;
  findings: readonly { findingId: string }[];
  counts: FindingCounts;
  done: string;
}

/**
 * Records an arrival once, keyed by the version and the set of finding ids (`FOUND#<version>#<digest>`): a
 * re-delivered event, or a retry after its effects, finds it there and changes nothing.
 */
export async function recordFindingArrival(arrival: FindingArrival): Promise<void> {
  const ids = [...new Set(arrival.findings.map((f) => f.findingId))].sort();
  const digest = createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 32);
  await putItemOnce({
    pk: imagePk(arrival.image),
    sk: `${skPrefix.found}${arrival.version}#${digest}`,
    kind: 'finding-arrival',
    image: arrival.image,
    version: arrival.version,
    at: arrival.at,
    findingCount: ids.length,
    counts: arrival.counts,
    done: arrival.done,
  });
}

/** Severities of every finding recorded for a build (paginated). */
export async function recordedSeverities(image: string, version: string): Promise<string[]> {
  const severities: string[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: ledgerTable(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': imagePk(image), ':prefix': `FINDINGS#${version}#` },
      ProjectionExpression: 'severity',
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) if (typeof item.severity === 'string') severities.push(item.severity);
  }
  return severities;
}

/** A revocation of a version that an operator restored, then revoked again: when, by whom and why, each. */
export interface EarlierRevocation {
  revokedAt: string;
  by: string;
  reason: string;
  /** The channels it moved back or withdrew (`status` tells those moves by it). */
  channels: string[];
  restoredAt: string;
  restoredBy: string;
  restoreReason: string;
}

/** A revocation: `requested` (a finding over a channel's policy, announced) or `revoked` (acted on: lifecycle). */
export interface RevocationRecord {
  image: string;
  version: string;
  reason: string;
  /** Why it was requested, kept when it is revoked for another reason (markRevoked: an operator's `revoke`). */
  requestedReason?: string;
  channels: string[];
  /** `restored`: revoked, then restored by an operator (`restore`): no longer revoked (markRestored). */
  state: 'requested' | 'revoked' | 'restored';
  at: string;
  revokedAt?: string;
  /** Who revoked it (markRevoked), once revoked. */
  by?: string;
  /** Once restored: when, by whom and why. */
  restoredAt?: string;
  restoredBy?: string;
  restoreReason?: string;
  /** The `revokedAt` of a revocation whose announcements are not made yet (markRevoked sets it, markRevocationAnnounced removes it). */
  announcePending?: string;
  /** The revocations restored before this one, oldest first (markRevoked moves a restored one here when revoking again). */
  earlier?: EarlierRevocation[];
  /** To be revoked at once, for a finding a promoted channel's `revokeOn` names (markRevocationAtOnce). */
  atOnce?: RevocationAtOnce;
}

/**
 * Records a revocation request for a build, once.
 * @returns false when one was already recorded (re-delivered finding: notify no one twice).
 */
export async function requestRevocation(record: RevocationRecord): Promise<boolean> {
  return putItemOnce({ pk: imagePk(record.image), sk: `REVOCATION#${record.version}`, kind: 'revocation', ...record });
}

/**
 * Marks a recorded revocation request to be carried out at once (a finding a promoted channel's `revokeOn` names): the
 * mark on-lifecycle-request reads before it carries out the "Image Revoked" whose `revokedAt` is `atOnce.at`
 * (core/trust/facts.ts). Only a request not yet revoked, or revoked and restored since, is marked.
 * @returns false when the version is revoked already (nothing marked).
 */
export async function markRevocationAtOnce(image: string, version: string, atOnce: RevocationAtOnce): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(image), sk: `REVOCATION#${version}` },
        UpdateExpression: 'SET atOnce = :atOnce',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(revokedAt) OR #state = :restored)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':atOnce': atOnce, ':restored': 'restored' },
      }),
    ),
  );
}

/** The revocation recorded for a build, if any. */
export async function getRevocation(image: string, version: string): Promise<RevocationRecord | undefined> {
  const out = await documentClient().send(
    new GetCommand({
      TableName: ledgerTable(),
      Key: { pk: imagePk(image), sk: `REVOCATION#${version}` },
      ConsistentRead: true,
    }),
  );
  return out.Item as RevocationRecord | undefined;
}

/**
 * Marks a build retired (out of retention), once.
 * @returns false when it was already retired.
 */
export async function markRetired(image: string, version: string, at: string): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(image), sk: buildSk(version) },
        UpdateExpression: 'SET retiredAt = :at',
        ConditionExpression: 'attribute_not_exists(retiredAt)',
        ExpressionAttributeValues: { ':at': at },
      }),
    ),
  );
}
