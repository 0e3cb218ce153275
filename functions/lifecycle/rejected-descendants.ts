import { listBuilds } from '../../aws/lifecycle/lifecycle-ledger.js';
import { childrenOf } from '../../core/lifecycle/revocation.js';
import { rejectedAncestorHold } from '../../core/promotion/rejected-parent.js';
import type { PromotionPlan } from '../../core/promotion/types.js';
import { endRejectedWaits } from './revoke-waits.js';

/** How deep the versions built on a rejected one are followed: deeper than any catalog's cascade of parents. */
const MAX_DEPTH = 16;

/** An approver's rejection of one version for one channel, as the ledger records it. */
export interface Rejection {
  image: string;
  version: string;
  channel: string;
  by: string;
  reason?: string | undefined;
  /** The rejection's instant: the waits it holds end then. */
  at: string;
}

/**
 * Ends, at the rejection, the waiting approval or soak for that channel of every version whose recorded lineage
 * names the rejected one (its children, their children…): they are held there (core/promotion/rejected-parent.ts),
 * so they stop now rather than at their next step. Safe to repeat: a wait already ended is skipped or failed again
 * (a token no longer waiting is no error).
 * @returns what was ended: "hardened 1.0.0/2 prod approval withdrawn".
 */
export async function endRejectedDescendantWaits(
  rejection: Rejection,
  plans: Record<string, PromotionPlan>,
): Promise<string[]> {
  const ended: string[] = [];
  const rejected = { image: rejection.image, version: rejection.version, decision: 'reject' as const };
  const ancestor = { ...rejected, by: rejection.by, reason: rejection.reason };
  let generation: { image: string; version: string }[] = [rejected];
  for (let depth = 0; depth < MAX_DEPTH && generation.length > 0; depth += 1) {
    const next: typeof generation = [];
    for (const parent of generation) {
      // A grandchild's hold names the parent it came through, as the promotion's own steps say it.
      const standings = depth === 0 ? [ancestor] : [{ image: parent.image, version: parent.version }, ancestor];
      const hold = rejectedAncestorHold(standings, rejection.channel) ?? '';
      for (const child of childrenOf(parent.image, plans)) {
        for (const b of await listBuilds(child.image)) {
          if (b.parent?.image !== parent.image || b.parent.buildVersion !== parent.version || b.deletedAt) continue;
          const stop = { image: child.image, version: b.version, channel: rejection.channel, hold, by: rejection.by };
          for (const what of await endRejectedWaits({ ...stop, at: rejection.at })) {
            ended.push(`${child.image} ${b.version} ${what}`);
          }
          next.push({ image: child.image, version: b.version });
        }
      }
    }
    generation = next;
  }
  return ended;
}
