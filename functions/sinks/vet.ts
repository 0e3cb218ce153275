import type { Notification } from '../../events/notification.js';
import { type Vetted, vetApproval } from '../slack/approvals.js';

/** What a chat sink may show of an announcement: the ledger's own view of an approval (functions/slack/approvals.ts). */
export type Shown = Extract<Vetted, { ok: true }>;

/**
 * Vets an announcement as every chat sink does: an approval the ledger does not hold, or a decision it does not
 * record, is never shown; an approval is shown as the ledger holds it.
 */
export async function vetFromLedger(
  n: Notification,
  now: Date,
): Promise<{ ok: true; value: Shown } | { ok: false; reason: string }> {
  const vetted = await vetApproval(n, now);
  return vetted.ok ? { ok: true, value: vetted } : vetted;
}
