import { skPrefix } from '../ledger/keys.js';
import { countsText } from '../lifecycle/finding-response.js';
import type { FindingCounts } from '../promotion/types.js';
import type { LedgerItem } from './ledger-item.js';

/**
 * The words of ledger records that both `history` and the simulator's timeline tell, one definition each: a pointer
 * moved back (rolled back or withdrawn) and findings reported on a version; and `status`'s latest findings. Pure.
 */

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** Recorded finding counts, each severity a number (0 when absent). */
function countsOf(v: unknown): FindingCounts {
  const c = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const n = (k: string) => (typeof c[k] === 'number' ? c[k] : 0);
  return { critical: n('critical'), high: n('high'), medium: n('medium'), low: n('low'), other: n('other') };
}

/**
 * A `ROLLBACK#` record: by an operator's rollback (back, or forward again to a newer version the channel promoted
 * before), or by a revocation (its reason says "revoked (…)").
 */
export function pointerMovedBackText(i: LedgerItem): string {
  const to = str(i.to);
  const way = i.direction === 'forward' ? 'forward' : 'back';
  const move = to ? `rolled ${way} from ${str(i.from)} to ${to}` : `withdrawn from ${str(i.from)}`;
  return `pointer ${move} by ${str(i.by) || 'goldsmith'}${str(i.reason) ? `: ${str(i.reason)}` : ''}`;
}

/** A `FOUND#` record: how many findings of each severity, and what Goldsmith did about them. */
export function findingsReportedText(i: LedgerItem): string {
  return `findings reported: ${countsText(countsOf(i.counts))} — ${str(i.done)}`;
}

/** The latest findings reported on a version, and what was done about them (`FOUND#`, as `history` says it). */
export interface LastFindings {
  version: string;
  at: string;
  what: string;
  /**
   * The version's revocation carried out after the findings (its `revokedAt`): what they asked for is done. One the
   * findings carried out themselves (`revokeOn`, at their own time) is already in `what`.
   */
  revokedSince?: string;
}

/** The latest `FOUND#` record of the image, in `history`'s words. */
export function lastFindingsOf(items: readonly LedgerItem[]): LastFindings | undefined {
  const found = items
    .filter((i) => typeof i.sk === 'string' && i.sk.startsWith(skPrefix.found))
    .sort((a, b) => Date.parse(String(a.at)) - Date.parse(String(b.at)))
    .at(-1);
  if (!found) return undefined;
  const last = { version: String(found.version), at: String(found.at), what: findingsReportedText(found) };
  const revocation = items.find((i) => i.sk === `${skPrefix.revocation}${last.version}`);
  const revokedAt = typeof revocation?.revokedAt === 'string' ? revocation.revokedAt : '';
  return revocation?.state === 'revoked' && Date.parse(revokedAt) > Date.parse(last.at)
    ? { ...last, revokedSince: revokedAt }
    : last;
}
