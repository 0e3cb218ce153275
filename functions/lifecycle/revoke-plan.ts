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

/** Whether the version's revocation is recorded carried out already: a repeat finishes what an earlier run began. */
export const revokedAlready = (state: Pick<ImageState, 'revocations'>, version: string): boolean =>
  state.revocations.some((r) => r.version === version && r.state === 'revoked');

/**
 * The channels a revocation of `version` would withdraw were it carried out now (read strongly consistent, as the
 * revocation reads): none when it is revoked already (what is left of it is finished whatever it moves).
 */
export async function withdrawalsIfRevokedNow(
  image: string,
  version: string,
  plans: Record<string, PromotionPlan>,
): Promise<string[]> {
  const plan = plans[image];
  if (!plan) return [];
  const before = await readImageState(plan, undefined, { consistent: true });
  if (revokedAlready(before, version)) return [];
  return withdrawnBy(revocationPlanOf(before, image, version, plans));
}
