import { isOperatorRollbackSk } from '../ledger/keys.js';
import { fieldText, type LedgerItem } from './ledger-item.js';

/**
 * How a channel's pointer last moved back, from the ledger's `ROLLBACK#<channel>#<from>` items: withdrawn or moved
 * back by a revocation of the version it named, or rolled back by an operator (`goldsmith rollback`, no revocation).
 */

/** The pointer was withdrawn or moved back because the version it named was revoked: the revocation's time and why. */
export interface RevokedMove {
  version: string;
  at: string;
  reason: string;
  /**
   * The revocation was taken back (`goldsmith restore`): who, when and why. The version is launchable again; the
   * pointer names it again only when it is promoted here again.
   */
  restored?: { by: string; at: string; reason: string };
  /**
   * The move was an earlier revocation's, which an operator restored, and the version was revoked again since
   * (making no move here, or a later one of its own): that revocation's time and why.
   */
  revokedAgain?: { at: string; reason: string };
}

/**
 * An operator moved the pointer from `from` to `to` (the pointer still names `to`): who, when and why; back to an
 * older version, or forward again to a newer one the channel promoted before (`forward`).
 */
export interface RolledBackMove {
  from: string;
  to: string;
  by: string;
  at: string;
  reason: string;
  forward?: true;
}

const str = fieldText;

/** An image's revocations by version (requested or carried out; a cancelled one is none), from its ledger items. */
export function revocationsByVersion(items: readonly LedgerItem[]): Map<string, LedgerItem> {
  return new Map(
    items
      .filter((i) => str(i, 'sk').startsWith('REVOCATION#') && str(i, 'state') !== 'cancelled')
      .map((i) => [str(i, 'version'), i] as const),
  );
}

/** An operator's move (`goldsmith rollback`), recorded as one: `ROLLBACK#<channel>#<from>#<at>` (recordRollback). */
export const isOperatorMove = (move: LedgerItem): boolean => isOperatorRollbackSk(str(move, 'sk'));

const revokedAtOf = (revocation: LedgerItem) => Date.parse(str(revocation, 'revokedAt') || str(revocation, 'at'));

/** The move was written at the revocation's own instant (both carry the revocation's time). */
export const madeAtItsTime = (move: LedgerItem, revocation: LedgerItem): boolean =>
  revokedAtOf(revocation) === Date.parse(str(move, 'at'));

/**
 * The revocation recorded moving `channel`, and the move was made while it stood: at or after its time, before its
 * restore (a retry's move is written at its own time; a record without its time stands throughout).
 */
export function madeWhileItStood(move: LedgerItem, revocation: LedgerItem, channel: string): boolean {
  const at = Date.parse(str(move, 'at'));
  return (
    Array.isArray(revocation.channels) &&
    revocation.channels.includes(channel) &&
    !(at < revokedAtOf(revocation)) &&
    (!str(revocation, 'restoredAt') || at < Date.parse(str(revocation, 'restoredAt')))
  );
}

/**
 * The revocation that made a roll-back: the version it moved away from was revoked, and the revocation ran at the
 * roll-back's instant (both are written with the revocation's time) or moved this channel (its `channels`). A version
 * revoked after an operator had already rolled the channel back made no move here. A version revoked, restored and
 * revoked again has each restored revocation in `earlier` (markRevoked): a move one of them made is told with that
 * revocation's time and why, beside how the version stands now (`item`: revoked again, or restored).
 */
function revocationOf(
  move: LedgerItem,
  channel: string,
  revocations: ReadonlyMap<string, LedgerItem>,
): { item: LedgerItem; maker: LedgerItem } | undefined {
  const item = revocations.get(str(move, 'from'));
  // A revocation only requested (a finding's) moved nothing, and an operator's move is no revocation's.
  if (!item || str(item, 'state') === 'requested' || isOperatorMove(move)) return undefined;
  const earlier = (Array.isArray(item.earlier) ? item.earlier : []) as LedgerItem[];
  const maker = madeAtItsTime(move, item)
    ? item
    : (earlier.find((c) => madeAtItsTime(move, c)) ??
      (madeWhileItStood(move, item, channel) ? item : earlier.find((c) => madeWhileItStood(move, c, channel))));
  return maker ? { item, maker } : undefined;
}

/**
 * What `status` says about the channel's last move back: a revocation's (while the pointer does not name the revoked
 * version) or an operator's rollback (while the pointer still names the version it went back to).
 * @param pointer the version the channel's pointer names now, if any
 */
export function lastMoveBack(
  items: readonly LedgerItem[],
  channel: string,
  pointer: string | undefined,
  revocations: ReadonlyMap<string, LedgerItem>,
): { revoked?: RevokedMove; rolledBack?: RolledBackMove } {
  const moves = items
    .filter((i) => str(i, 'sk').startsWith(`ROLLBACK#${channel}#`))
    .sort((a, b) => Date.parse(str(a, 'at')) - Date.parse(str(b, 'at')));
  const byRevocation = moves.filter((m) => revocationOf(m, channel, revocations) !== undefined).at(-1);
  const byOperator = moves.filter((m) => revocationOf(m, channel, revocations) === undefined).at(-1);
  const out: { revoked?: RevokedMove; rolledBack?: RolledBackMove } = {};
  if (byRevocation && pointer !== str(byRevocation, 'from')) {
    const { item, maker } = revocationOf(byRevocation, channel, revocations) ?? { item: {}, maker: {} };
    out.revoked = {
      version: str(byRevocation, 'from'),
      at: str(maker, 'revokedAt') || str(byRevocation, 'at'),
      reason: str(maker, 'reason'),
    };
    if (maker !== item)
      out.revoked.revokedAgain = { at: str(item, 'revokedAt') || str(item, 'at'), reason: str(item, 'reason') };
    if (str(item, 'state') === 'restored') {
      out.revoked.restored = {
        by: str(item, 'restoredBy') || 'goldsmith',
        at: str(item, 'restoredAt'),
        reason: str(item, 'restoreReason'),
      };
    }
  }
  if (byOperator && pointer !== undefined && pointer === str(byOperator, 'to')) {
    out.rolledBack = {
      from: str(byOperator, 'from'),
      to: str(byOperator, 'to'),
      by: str(byOperator, 'by'),
      at: str(byOperator, 'at'),
      reason: str(byOperator, 'reason'),
      ...(byOperator.direction === 'forward' && { forward: true as const }),
    };
  }
  return out;
}
