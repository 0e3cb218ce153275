import { isAwaitingSk } from '../audit/subscriptions.js';

/**
 * The subscriptions awaiting their owner's confirmation, as `goldsmith status` says them: from the doors' auditor's
 * daily records (`DRIFT#subscription#<topic>#awaiting#<id>#<date>` in the factory's partition,
 * functions/audit/subscriptions-awaiting.ts), the newest open record of each subscription, which names who receives
 * nothing and since when. A record is closed (repaired) at the first audit that finds the subscription confirmed.
 */
export function awaitingConfirmationLines(items: readonly Readonly<Record<string, unknown>>[]): string[] {
  const newest = new Map<string, Readonly<Record<string, unknown>>>();
  for (const item of items) {
    const sk = typeof item.sk === 'string' ? item.sk : '';
    if (!isAwaitingSk(sk) || item.repairedAt !== undefined) continue;
    const subscription = sk.slice(0, sk.lastIndexOf('#'));
    const held = newest.get(subscription);
    if (held === undefined || String(held.sk) < sk) newest.set(subscription, item);
  }
  return [...newest.values()].map((i) => `${String(i.found)} (the audit of ${String(i.foundAt).slice(0, 10)})`).sort();
}
