import { ROUND_PREFIX } from '../ledger/keys.js';
import type { RoundRecord } from '../promotion/rounds.js';
import type { LedgerItem } from './ledger-item.js';

/**
 * Promotion rounds as `history` and `status` tell them (core/promotion/rounds.ts). Each archived item of an earlier
 * round (`ROUND#<v>#r<n>#…`) is read as the item it was, so `history` tells every round's gates, approvals, soaks
 * and outcomes in the same words; the round record says when and why each later round began.
 */

const isArchived = (i: LedgerItem): boolean =>
  i.kind === 'archived-round-item' && typeof i.item === 'object' && i.item !== null;

/** The items with every archived item of an earlier round read as the item it was. */
export function withEarlierRounds(items: readonly LedgerItem[]): LedgerItem[] {
  return items.map((i) => (isArchived(i) ? (i.item as LedgerItem) : i));
}

/** Whether an item is a version's round record (`ROUND#<v>#current`). */
export function isRoundRecord(i: LedgerItem): boolean {
  return typeof i.sk === 'string' && i.sk.startsWith(ROUND_PREFIX) && i.kind === 'promotion-round';
}

/** One line per round after the first: when it began, by whom, why, and how many items of the one before it kept. */
export function roundStartLines(record: LedgerItem): { at: string; what: string }[] {
  const { rounds } = record as unknown as RoundRecord;
  return (Array.isArray(rounds) ? rounds : []).map((r) => ({
    at: r.at,
    what: `promotion round ${r.round} started by ${r.by}: ${r.reason} (through every channel's gates again, from the first; round ${r.round - 1}'s ${r.archived} record(s) kept)`,
  }));
}

/** `status`'s lines: each version in a round after the first, which round, since when, by whom and why. */
export function roundLinesOf(items: readonly LedgerItem[]): string[] {
  return items.filter(isRoundRecord).flatMap((i) => {
    const last = (i as unknown as RoundRecord).rounds?.at(-1);
    return last
      ? [
          `${String(i.version)}: promotion round ${last.round} since ${last.at}, started by ${last.by}: ${last.reason} (earlier rounds in history)`,
        ]
      : [];
  });
}
