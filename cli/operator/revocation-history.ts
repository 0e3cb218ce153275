import type { LedgerItem } from '../../core/status/image-view.js';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * `history`'s lines of one `REVOCATION#<version>` item: requested (a finding over policy, announced) and perhaps
 * later revoked, or revoked at once (by whom); perhaps restored by an operator since (`restore`), and revoked again.
 * Each revocation an operator restored before the last one is in `earlier`, oldest first, with its own reason and
 * restore (markRevoked, aws/lifecycle/revocation-marks.ts). A request is told only when the first revocation was not
 * carried out at the item's first time (`at`): a version revoked at once has no request line.
 */
export function revocationHistory(i: LedgerItem): { at: string; what: string }[] {
  const lines: { at: string; what: string }[] = [];
  const revokedAt = str(i.revokedAt) || str(i.at);
  const carriedOut = i.state === 'revoked' || i.state === 'restored';
  const earlier = (Array.isArray(i.earlier) ? i.earlier : []) as Record<string, unknown>[];
  const firstRevokedAt = earlier.length > 0 ? str(earlier[0]?.revokedAt) : revokedAt;
  if (!carriedOut || firstRevokedAt !== str(i.at)) {
    lines.push({ at: str(i.at), what: `revocation requested: ${str(i.requestedReason) || str(i.reason)}` });
  }
  for (const r of [...earlier, ...(carriedOut ? [i] : [])]) {
    lines.push({ at: str(r.revokedAt) || revokedAt, what: `revoked by ${str(r.by) || 'goldsmith'}: ${str(r.reason)}` });
    if (str(r.restoredAt)) {
      lines.push({
        at: str(r.restoredAt),
        what: `restored by ${str(r.restoredBy)}: ${str(r.restoreReason)} (no longer revoked; no channel moved back to it)`,
      });
    }
  }
  return lines;
}
