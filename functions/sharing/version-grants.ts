import { getRevocation } from '../../aws/lifecycle/promotion-findings.js';
import { listOutcomes } from '../../aws/promotion/promotion-ledger.js';
import type { PromotionPlan, RegionAmi } from '../../core/promotion/types.js';
import { assertWithinSharingQuota, sharingEntities } from '../../core/sharing/sharing-quota.js';
import type { OrgTree } from '../../core/sharing/targets.js';
import { type ChannelTargets, type ResolvedChannels, resolveChannels } from './channel-targets.js';
import { type AppliedRegionGrants, applyLaunchGrants } from './launch-grants.js';

/**
 * The channels a version holds now: those the ledger records it `promoted` to — none once it is revoked, so a step
 * that settles grants after the revocation (an expired approval's RecordOutcome) cannot give them back.
 */
export async function channelsHeld(image: string, version: string): Promise<Set<string>> {
  const [outcomes, revocation] = await Promise.all([listOutcomes(image, version), getRevocation(image, version)]);
  return heldChannels(outcomes, revocation?.state === 'revoked');
}

/** The same from one version's outcomes already read, and whether it is revoked. */
export function heldChannels(outcomes: readonly { channel: string; outcome: string }[], revoked: boolean): Set<string> {
  if (revoked) return new Set();
  return new Set(outcomes.filter((o) => o.outcome === 'promoted').map((o) => o.channel));
}

/**
 * Makes a version's AMIs, in every region, launchable by exactly the accounts of `channels` (resolved against the
 * organization as held now, or `tree`), and copyable by those of the channels that allow copying. `channels: []` removes every grant.
 * With `growing` (the version entering a channel, or its channels re-resolved against a changed organization), a
 * change that would leave more entities on each AMI than EC2's AMI sharing quota allows is refused before any EC2
 * call: what the plan leaves in force is exactly the channels' union, whatever is held now.
 * `beforeChange` runs once the change is known to be allowed, before any EC2 call (Share records its intent there).
 * @throws AmiSharingQuotaError naming the image, version, channels, Regions, the count and the quota.
 */
export async function grantVersionTo(
  amis: readonly RegionAmi[],
  channels: readonly ChannelTargets[],
  tree?: OrgTree,
  growing?: { image: string; version: string; quota?: number | undefined },
  beforeChange?: () => Promise<void>,
): Promise<{ resolved: ResolvedChannels; applied: AppliedRegionGrants[] }> {
  const resolved = await resolveChannels(channels, tree);
  if (growing) {
    assertWithinSharingQuota({
      ...growing,
      regions: amis.map((a) => a.region),
      entities: sharingEntities(resolved.union.grants),
      channels: channels.map((c) => ({
        channel: c.name,
        entities: sharingEntities(resolved.byChannel.get(c.name)!.grants),
      })),
    });
  }
  await beforeChange?.();
  const applied = await applyLaunchGrants(
    amis.map((a) => ({
      region: a.region,
      imageId: a.imageId,
      grants: resolved.union.grants,
      copyAccounts: resolved.copyAccounts,
    })),
  );
  return { resolved, applied };
}

/**
 * Gives a launchable version's AMIs exactly the grants its channels hold (those it was promoted to, none once
 * revoked): what Share gave it and retention keeps, put back where anything was taken away. A restore gives them back
 * this way, and a rollback makes sure of them before a pointer names the version.
 * @returns the channels granted, and the ModifyImageAttribute calls made (0 when everything was in force).
 */
export async function grantHeldChannels(
  plan: PromotionPlan,
  version: string,
  amis: readonly RegionAmi[],
): Promise<{ channels: string[]; calls: number }> {
  const held = await channelsHeld(plan.image, version);
  const channels = plan.channels.filter((c) => held.has(c.name));
  if (channels.length === 0 || amis.length === 0) return { channels: channels.map((c) => c.name), calls: 0 };
  const { applied } = await grantVersionTo(
    amis,
    channels.map((c) => ({ name: c.name, targets: c.targets })),
  );
  return { channels: channels.map((c) => c.name), calls: applied.reduce((n, a) => n + a.imageCalls, 0) };
}
