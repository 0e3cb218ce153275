import { childrenOf, planRevocation, type RevocationPlan } from '../../core/lifecycle/revocation.js';
import type { PromotionPlan } from '../../core/promotion/types.js';
import { type ImageState, readImageState } from './ledger-view.js';

/**
 * What revoking `version` of `image` would do to its channels' pointers, from the image as read (`before`): each
 * pointer naming it rolled back to the newest earlier launchable version, or withdrawn when there is none.
 */
export function revocationPlanOf(
  before: ImageState,
  image: string,
  version: string,
  plans: Record<string, PromotionPlan>,
): RevocationPlan {
  return planRevocation({
    version,
    builds: before.histories,
    pointers: Object.fromEntries(Object.entries(before.pointers).map(([c, p]) => [c, p.version])),
    children: childrenOf(image, plans),
  });
}

/** The channels of a plan whose pointer it withdraws. */
export const withdrawnBy = (plan: RevocationPlan): string[] =>
  plan.moves.flatMap((m) => (m.action === 'withdraw' ? [m.channel] : []));

/**
 * Of the channels a revocation would withdraw, those nobody agreed to withdraw: all of them, unless the version's
 * revocation is recorded carried out already, whose run planned (and so was allowed) the withdrawals it recorded: a
 * repeat finishes those, and only a channel emptied since (its roll-back target no longer launchable) is asked about.
 * @returns the channels, and whether the version is revoked already
 */
export function unconsentedWithdrawals(
  state: Pick<ImageState, 'revocations'>,
  version: string,
  withdrawn: readonly string[],
): { channels: string[]; revokedBefore: boolean } {
  const recorded = state.revocations.find((r) => r.version === version && r.state === 'revoked');
  const planned = new Set(recorded?.withdrawn ?? []);
  return { channels: withdrawn.filter((c) => !planned.has(c)), revokedBefore: recorded !== undefined };
}

/** The channels a revocation of `version` would withdraw were it carried out now (read strongly consistent, as the revocation reads). */
export async function withdrawalsIfRevokedNow(
  image: string,
  version: string,
  plans: Record<string, PromotionPlan>,
): Promise<string[]> {
  const plan = plans[image];
  if (!plan) return [];
  const before = await readImageState(plan, undefined, { consistent: true });
  return withdrawnBy(revocationPlanOf(before, image, version, plans));
}
