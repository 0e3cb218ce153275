// Revocations asked for a later time (`REVOKE-AT#`), as `status` and `history` tell them: still to come, cancelled,
// or superseded by revoking the version earlier.
import { supersededBy } from '../lifecycle/scheduled-revocation.js';
import { fieldText } from './ledger-item.js';

type Item = Record<string, unknown>;

const str = fieldText;
const optional = (item: Item, field: string): string | undefined => str(item, field) || undefined;

/** One scheduled revocation of a version: what was asked, and what became of it. */
export interface ScheduledRevocationView {
  version: string;
  dueAt: string;
  by: string;
  reason: string;
  requestedAt: string;
  state: 'scheduled' | 'cancelled' | 'superseded';
  cancelled?: { at: string; by: string; reason?: string };
  /** The version was revoked at once before the time asked: when, by whom. */
  superseded?: { at: string; by: string };
}

/** The scheduled revocation a `REVOKE-AT#` item records, read with the version's `REVOCATION#` item in `items`. */
export function scheduledRevocationView(record: Item, items: readonly Item[]): ScheduledRevocationView {
  const version = str(record, 'version');
  const revocation = items.find((i) => str(i, 'sk') === `REVOCATION#${version}`);
  const base = {
    version,
    dueAt: str(record, 'dueAt'),
    by: str(record, 'by'),
    reason: str(record, 'reason'),
    requestedAt: str(record, 'requestedAt'),
  };
  const cancelledAt = optional(record, 'cancelledAt');
  if (cancelledAt) {
    const reason = optional(record, 'cancelReason');
    const cancelled = { at: cancelledAt, by: str(record, 'cancelledBy'), ...(reason ? { reason } : {}) };
    return { ...base, state: 'cancelled', cancelled };
  }
  const superseded = supersededBy(
    {
      dueAt: base.dueAt,
      supersededAt: optional(record, 'supersededAt'),
      supersededBy: optional(record, 'supersededBy'),
    },
    revocation && {
      state: str(revocation, 'state'),
      at: str(revocation, 'at'),
      revokedAt: optional(revocation, 'revokedAt'),
      by: str(revocation, 'by'),
    },
  );
  return superseded ? { ...base, state: 'superseded', superseded } : { ...base, state: 'scheduled' };
}

/**
 * The scheduled revocations `status` shows: those whose time is still to come at `now` (once it has passed, the
 * revocation itself, or `history`, tells what happened), each as scheduled, cancelled or superseded.
 */
export function scheduledRevocationsOf(items: readonly Item[], now: Date): ScheduledRevocationView[] {
  return items
    .filter((i) => str(i, 'sk').startsWith('REVOKE-AT#') && Date.parse(str(i, 'dueAt')) > now.getTime())
    .map((i) => scheduledRevocationView(i, items))
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
}
