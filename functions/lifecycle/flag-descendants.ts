import { flagDescendant, listBuilds } from '../../aws/lifecycle/lifecycle-ledger.js';
import { heldInstead, heldOutcomeReason } from '../../core/lifecycle/lineage-hold.js';
import { builtOnRevoked, descendantImagesOf } from '../../core/lifecycle/revocation.js';
import type { PromotionPlan } from '../../core/promotion/types.js';
import { endHeldWaits } from './revoke-waits.js';

/** A revocation as its descendants' flags see it. */
export interface FlaggingRevocation {
  image: string;
  version: string;
  by: string;
  at: string;
  /** The revoked image's channels left empty, now or by an earlier run: nothing is rebuilt on them. */
  empty: (channel: string) => boolean;
  /** `revocation.descendants: 'revoke'` (or a cascade under way): each child's own revocation flags its children. */
  cascading: boolean;
}

export interface DescendantsFlagged {
  flagged: number;
  /** Held until a new parent version reaches a channel the revocation left empty, as the announcement says it. */
  waiting: string[];
  /** Each child image's builds, as read (`descendantRevocations` revokes those built on the revoked version). */
  lineage: { image: string; builds: Awaited<ReturnType<typeof listBuilds>> }[];
}

/**
 * Flags every version built on the revoked one, at any depth (its children, their children…, by recorded lineage):
 * each is held out of every further channel, and its waiting soak or approval ends at the flag (a cascade revokes
 * them instead, which ends their waits the same way: only the children are flagged then). A grandchild waits for
 * the rebuild of the child it was built on to be promoted to the channel it follows (a cascade build, in lineage
 * order), so nothing is asked for it here; a child following a channel the revocation left empty waits for a new
 * parent version there, and so do the versions built on it. Safe to repeat: a flag is written once
 * (`if_not_exists`), a wait already ended is skipped or failed again.
 */
export async function flagDescendants(
  revocation: FlaggingRevocation,
  plans: Record<string, PromotionPlan>,
): Promise<DescendantsFlagged> {
  const { image, version, by, at, cascading } = revocation;
  const images = descendantImagesOf(image, plans);
  const builds: Record<string, Awaited<ReturnType<typeof listBuilds>>> = {};
  for (const i of images) builds[i] = await listBuilds(i);
  const result: DescendantsFlagged = {
    flagged: 0,
    waiting: [],
    lineage: Object.entries(builds).map(([i, b]) => ({ image: i, builds: b })),
  };
  for (const d of builtOnRevoked({ image, version, plans, builds })) {
    const isChild = d.child.image === d.image;
    if (cascading && !isChild) continue;
    const awaits = revocation.empty(d.child.channel) ? { image, channel: d.child.channel } : undefined;
    // A grandchild is rebuilt once the image it was built on has its own rebuild promoted to the channel it follows.
    const via = isChild ? undefined : d.parent;
    await flagDescendant(d.image, d.version, d.reason, at, awaits, via);
    result.flagged++;
    if (cascading) continue;
    // Held from now: its waiting soak or approval ends at the flag, not when it would have elapsed.
    const cause = heldOutcomeReason(d.reason, awaits, via);
    await endHeldWaits({ image: d.image, version: d.version, hold: d.reason, cause, by, at });
    if (awaits) result.waiting.push(`${d.image} ${d.version} flagged: ${heldInstead(awaits, via)}`);
  }
  return result;
}
