import { countsText } from '../lifecycle/finding-response.js';
import type { FindingCounts } from '../promotion/types.js';
import type { LedgerItem } from './ledger-item.js';

/**
 * The words of ledger records that both `history` and the simulator's timeline tell, one definition each: a pointer
 * moved back (rolled back or withdrawn) and findings reported on a version. Pure.
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
