import { listBuilds } from '../../aws/lifecycle/lifecycle-ledger.js';
import { clearRestoredFlag } from '../../aws/lifecycle/revocation-marks.js';
import { builtOnRevoked, descendantImagesOf } from '../../core/lifecycle/revocation.js';
import type { PromotionPlan } from '../../core/promotion/types.js';

/**
 * The flags a restored revocation had written on the versions built on the restored one (`flagDescendants`, at any
 * depth), cleared: "built on revoked base 1.0.0/2" no longer holds them, so `status` stops calling them flagged and
 * their promotion no longer stops at the flag. A version whose flag another revocation wrote keeps it. Safe to
 * repeat: a flag cleared before is not there to clear. Returns the versions cleared ("hardened 1.0.0/2").
 */
export async function clearRestoredFlags(
  restored: { image: string; version: string; by: string; at: string },
  plans: Record<string, PromotionPlan>,
): Promise<string[]> {
  const builds: Record<string, Awaited<ReturnType<typeof listBuilds>>> = {};
  for (const i of descendantImagesOf(restored.image, plans)) builds[i] = await listBuilds(i);
  const cleared: string[] = [];
  for (const d of builtOnRevoked({ image: restored.image, version: restored.version, plans, builds })) {
    const build = builds[d.image]?.find((b) => b.version === d.version);
    if (!build?.flaggedAt || build.flaggedReason !== d.reason) continue;
    const done = await clearRestoredFlag({
      image: d.image,
      version: d.version,
      reason: d.reason,
      flaggedAt: build.flaggedAt,
      parent: `${restored.image} ${restored.version}`,
      by: restored.by,
      at: restored.at,
    });
    if (done) cleared.push(`${d.image} ${d.version}`);
  }
  return cleared;
}
