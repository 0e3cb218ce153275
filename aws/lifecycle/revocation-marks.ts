import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { buildSk, imagePk } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';
import type { EarlierRevocation } from './promotion-findings.js';

/**
 * A version's revocation as its `REVOCATION#<version>` item records it: revoked (markRevoked: a request carried out,
 * an operator's or a finding's revocation), then perhaps restored (`restore IMAGE VERSION --reason R`, markRestored):
 * every reader that asks "is it revoked?" (`state === 'revoked'`) sees it launchable again, and the item keeps when,
 * by whom and why it had been revoked. A later revocation marks it `revoked` again, the restored one kept in `earlier`.
 */

/**
 * Records that a build is revoked, once (a requested revocation becomes `revoked`; a restored one is revoked again).
 * Revoking a restored one again keeps the restored revocation (`previous`, as read) in `earlier` and clears its restore
 * from the item, on condition that the item still holds that restore: one revocation's reason never overwrites
 * another's. Without `previous`, only a version never revoked is marked.
 * @returns false when the item is not as the caller read it: revoked already (a repeat: the caller finishes what is
 * left but announces nothing twice), or restored since the caller's read (the caller reads it again).
 */
export async function markRevoked(r: {
  image: string;
  version: string;
  reason: string;
  by: string;
  channels: string[];
  withdrawn: string[];
  at: string;
  /** The reason a recorded request gave, when the revocation carries one out: kept beside the revocation's own. */
  requestedReason?: string;
  /** The restored revocation this one revokes again, as the caller read it (RevocationItem, state `restored`). */
  previous?: EarlierRevocation;
}): Promise<boolean> {
  const requested = r.requestedReason === undefined ? {} : { ':requested': r.requestedReason };
  // Revoking a restored one again: it goes to `earlier` and its restore off the item, if the item still holds it.
  // Otherwise only a version never revoked (a request, or nothing yet) is marked.
  const again = r.previous && {
    set: ['earlier = list_append(if_not_exists(earlier, :none), :previous)'],
    remove: ' REMOVE restoredAt, restoredBy, restoreReason',
    condition: '#state = :restored AND restoredAt = :restoredAt',
    values: { ':previous': [r.previous], ':none': [], ':restored': 'restored', ':restoredAt': r.previous.restoredAt },
  };
  const set = [
    '#kind = :kind, image = :image, version = :version, reason = :reason, #by = :by, channels = :channels',
    'withdrawn = :withdrawn, #state = :state, revokedAt = :at, #at = if_not_exists(#at, :at)',
    // Its announcements not made yet: markRevocationAnnounced removes it once they are.
    'announcePending = :at',
    ...(r.requestedReason === undefined ? [] : ['requestedReason = if_not_exists(requestedReason, :requested)']),
    ...(again?.set ?? []),
  ];
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(r.image), sk: `REVOCATION#${r.version}` },
        UpdateExpression: `SET ${set.join(', ')}${again?.remove ?? ''}`,
        ConditionExpression: again?.condition ?? 'attribute_not_exists(revokedAt)',
        ExpressionAttributeNames: { '#kind': 'kind', '#by': 'by', '#state': 'state', '#at': 'at' },
        ExpressionAttributeValues: {
          ':kind': 'revocation',
          ':image': r.image,
          ':version': r.version,
          ':reason': r.reason,
          ':by': r.by,
          ':channels': r.channels,
          ':withdrawn': r.withdrawn,
          ':state': 'revoked',
          ':at': r.at,
          ...requested,
          ...again?.values,
        },
      }),
    ),
  );
}

/**
 * Records that a revocation's announcements were made: removes the `announcePending` markRevoked set with it, after
 * they were claimed and published and before "Image Revoked" goes out. A retry of the same revocation that finds its
 * own mark still pending makes them (their ids are the same, so the announcements' ledger publishes each once); a
 * record written before the field existed holds none, and is never announced again.
 * @returns false when the item holds another revocation now (restored, or revoked again since).
 */
export async function markRevocationAnnounced(r: {
  image: string;
  version: string;
  revokedAt: string;
}): Promise<boolean> {
  return updateRevocationAt(r, 'REMOVE announcePending');
}

/**
 * Records that a revoked build is restored (`restore`): no longer revoked, with who, why and when, keeping when and
 * why it had been revoked; only the revocation carried out at `revokedAt` is restored.
 * @returns false when it is not that revocation any more (restored before, or revoked again since).
 */
export async function markRestored(r: {
  image: string;
  version: string;
  revokedAt: string;
  reason: string;
  by: string;
  at: string;
}): Promise<boolean> {
  return updateRevocationAt(r, 'SET #state = :restored, restoredAt = :at, restoredBy = :by, restoreReason = :reason', {
    ':restored': 'restored',
    ':at': r.at,
    ':by': r.by,
    ':reason': r.reason,
  });
}

/**
 * One UpdateItem of a version's `REVOCATION#` item, on condition that it still holds the revocation carried out at
 * `revokedAt` (revoked, neither restored nor revoked again since): markRestored's and markRevocationAnnounced's.
 * @returns false when it does not.
 */
function updateRevocationAt(
  r: { image: string; version: string; revokedAt: string },
  update: string,
  values: Record<string, string> = {},
): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(r.image), sk: `REVOCATION#${r.version}` },
        UpdateExpression: update,
        ConditionExpression: '#state = :revoked AND revokedAt = :revokedAt',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':revoked': 'revoked', ':revokedAt': r.revokedAt, ...values },
      }),
    ),
  );
}

/**
 * Clears the flag a revocation wrote on a descendant build (`flagDescendant`) once that revocation is restored: the
 * build is no longer held by it (every reader of `flaggedAt` / `flaggedReason` sees it unflagged), and keeps the
 * flag's story in `flagCleared` (when it was flagged and why, when and by whom the parent was restored). Only a flag
 * with that revocation's `reason` is cleared: a repeat, or a flag another revocation wrote, changes nothing. One
 * UpdateItem carries both clauses, SET and REMOVE, each once
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.Modifying.html).
 * @returns false when the build holds no such flag.
 */
export async function clearRestoredFlag(c: {
  image: string;
  version: string;
  /** The flag's reason, as the revocation wrote it ("built on revoked base 1.0.0/2"). */
  reason: string;
  /** When the flag was written (`flaggedAt` as read). */
  flaggedAt: string;
  /** The parent restored: "base 1.0.0/2". */
  parent: string;
  by: string;
  at: string;
}): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(c.image), sk: buildSk(c.version) },
        UpdateExpression: 'SET flagCleared = :cleared REMOVE flaggedAt, flaggedReason, flagAwaits, flagVia',
        ConditionExpression: 'flaggedAt = :flaggedAt AND flaggedReason = :reason',
        ExpressionAttributeValues: {
          ':flaggedAt': c.flaggedAt,
          ':reason': c.reason,
          ':cleared': { flaggedAt: c.flaggedAt, reason: c.reason, parent: c.parent, by: c.by, at: c.at },
        },
      }),
    ),
  );
}
