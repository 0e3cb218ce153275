import type { RevokedMove, RolledBackMove } from '../../core/status/pointer-moves.js';
import { shortTime as when } from './ledger-history.js';

/**
 * A channel pointer's last move back, in words: one definition for `goldsmith status` and `goldsmith fleet`, so
 * both tell a revoked, rolled-back or emptied channel the same way.
 */

/**
 * "1.0.0/2 revoked 2027-01-26 10:00 (CVE-2027-0001)"; when the move was a revocation an operator restored and the
 * version was revoked again since, that revocation too; once restored, who restored it and when, and that it is
 * launchable again without being the channel's version until promoted here again.
 */
export function revokedText(r: RevokedMove): string {
  const again = r.revokedAgain
    ? `, revoked again ${when(r.revokedAgain.at)}${r.revokedAgain.reason ? ` (${r.revokedAgain.reason})` : ''}`
    : '';
  const revoked = `${r.version} revoked ${when(r.at)}${r.reason ? ` (${r.reason})` : ''}${again}`;
  if (!r.restored) return revoked;
  const b = r.restored;
  return (
    `${revoked}, restored by ${b.by} at ${when(b.at)}${b.reason ? ` (${b.reason})` : ''}: launchable again, ` +
    "not this channel's version unless promoted here again"
  );
}

/** "rolled back by ops-lead at 2027-01-26 10:00: CHG-1 (from 1.0.0/2)"; "rolled forward by …" for a roll-forward. */
export function rolledBackText(b: RolledBackMove): string {
  return `rolled ${b.forward ? 'forward' : 'back'} by ${b.by || 'goldsmith'} at ${when(b.at)}${b.reason ? `: ${b.reason}` : ''} (from ${b.from})`;
}

/**
 * What a channel names, and how it came to by its latest move: its version, rolled back to by a revocation or an
 * operator, or promoted after a revocation had withdrawn or moved the pointer (`promotedAt`); empty since a
 * revocation withdrew it; or never promoted.
 */
export function channelNames(
  current: string | undefined,
  moved:
    | { revoked?: RevokedMove | undefined; rolledBack?: RolledBackMove | undefined; promotedAt?: string | undefined }
    | undefined,
): string {
  if (!current) return moved?.revoked ? `empty since ${revokedText(moved.revoked)}` : 'never promoted';
  if (moved?.rolledBack) return `${current}, ${rolledBackText(moved.rolledBack)}`;
  if (moved?.revoked && moved.promotedAt !== undefined) {
    const at = moved.promotedAt ? ` ${when(moved.promotedAt)}` : '';
    return `${current}, promoted${at} after ${revokedText(moved.revoked)}`;
  }
  if (moved?.revoked) return `${current}, rolled back to it when ${revokedText(moved.revoked)}`;
  return current;
}
