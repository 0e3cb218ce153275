import { ATTEMPT_PREFIX, skPrefix } from '../ledger/keys.js';
import type { AttemptRecord } from '../promotion/attempts.js';
import type { LedgerItem } from './ledger-item.js';

/**
 * Promotion attempts as `history` and `status` tell them (core/promotion/attempts.ts). Each archived item of an earlier
 * attempt (`ATTEMPT#<v>#a<n>#…`) is read as the item it was, so `history` tells every attempt's gates, approvals, soaks
 * and outcomes in the same words; the attempt record says when and why each later attempt began.
 */

const isArchived = (i: LedgerItem): boolean =>
  i.kind === 'archived-attempt-item' && typeof i.item === 'object' && i.item !== null;

/**
 * The items with every archived item of an earlier attempt read as the item it was. An earlier attempt's rollout
 * record and its chunk items keep a sort key of their own (`…#a<n>`), so they are told beside the current attempt's
 * rollout of the same version to the same channel, never mixed with it.
 */
export function withEarlierAttempts(items: readonly LedgerItem[]): LedgerItem[] {
  return items.map((i) => {
    if (!isArchived(i)) return i;
    const item = i.item as LedgerItem;
    const sk = String(item.sk);
    if (!sk.startsWith(skPrefix.rollout)) return item;
    const apart = `#a${String(i.attempt)}`;
    return typeof item.of === 'string'
      ? { ...item, sk: `${sk}${apart}`, of: `${item.of}${apart}` }
      : { ...item, sk: `${sk}${apart}` };
  });
}

/** Whether an item is a version's attempt record (`ATTEMPT#<v>#current`). */
export function isAttemptRecord(i: LedgerItem): boolean {
  return typeof i.sk === 'string' && i.sk.startsWith(ATTEMPT_PREFIX) && i.kind === 'promotion-attempt';
}

/** One line per attempt after the first: when it began, by whom, why, and how many items of the one before it kept. */
export function attemptStartLines(record: LedgerItem): { at: string; what: string }[] {
  const { attempts } = record as unknown as AttemptRecord;
  return (Array.isArray(attempts) ? attempts : []).map((r) => ({
    at: r.at,
    what: `promotion attempt ${r.attempt} started by ${r.by}: ${r.reason} (through every channel's gates again, from the first; attempt ${r.attempt - 1}'s ${r.archived} record(s) kept)`,
  }));
}

/** `status`'s lines: each version in an attempt after the first, which attempt, since when, by whom and why. */
export function attemptLinesOf(items: readonly LedgerItem[]): string[] {
  return items.filter(isAttemptRecord).flatMap((i) => {
    const last = (i as unknown as AttemptRecord).attempts?.at(-1);
    return last
      ? [
          `${String(i.version)}: promotion attempt ${last.attempt} since ${last.at}, started by ${last.by}: ${last.reason} (earlier attempts in history)`,
        ]
      : [];
  });
}
