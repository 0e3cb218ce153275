import { listBuilds } from '../../aws/lifecycle-ledger.js';
import { listOutcomes } from '../../aws/promotion-ledger.js';
import { mapWithConcurrency } from '../../core/concurrency.js';
import type { RegionAmi } from '../../core/promotion/types.js';
import { type OrgTree, resolveTargets, simplifyGrants, UnknownTargetError } from '../../core/sharing/targets.js';
import { promotionPlans } from '../promotion/plans.js';
import type { ChannelTargets } from './channel-targets.js';
import { channelsHeld, grantVersionTo } from './version-grants.js';

/** Versions re-granted at once: each fans out to its Regions (launch-grants.ts bounds those). */
const VERSION_CONCURRENCY = 4;

/** A channel's resolution, as far as what EC2 holds depends on it: the grants and the accounts that may copy. */
function fingerprint(tree: OrgTree, c: ChannelTargets): string {
  try {
    const r = resolveTargets(tree, c.targets);
    const copy = c.targets.allowCopy ? r.accounts : [];
    return JSON.stringify([simplifyGrants(tree, r.grants), copy]);
  } catch (error) {
    // A channel naming an OU the organization no longer has: its versions keep what they hold until it is fixed.
    if (error instanceof UnknownTargetError) return `unknown: ${error.message}`;
    throw error;
  }
}

/**
 * The channels whose launch grants or copy accounts differ between two trees. An account moved into an OU a channel
 * grants by ARN changes nothing EC2 holds (the OU grant reaches it at once); an exclusion, a tag a channel selects
 * by, an account closed or moved where a channel grants by account id, or a copy channel's accounts do.
 */
export function channelsChangedBy(before: OrgTree, after: OrgTree, channels: readonly ChannelTargets[]): string[] {
  return channels.filter((c) => fingerprint(before, c) !== fingerprint(after, c)).map((c) => c.name);
}

/** What one re-grant did. */
export interface RegrantResult {
  channels: string[];
  versions: number;
  modifyImageAttribute: number;
}

/**
 * Makes every version that holds one of `changed` channels launchable by exactly the accounts its channels reach in
 * the organization as held now: the versions each image's ledger records promoted there, not revoked, not retired,
 * container images aside (their repository policies name OUs and accounts the catalog names). EC2's grants are
 * compared with those in force, so a version already right costs only its reads.
 */
export async function regrantChannels(changed: readonly string[]): Promise<RegrantResult> {
  if (changed.length === 0) return { channels: [], versions: 0, modifyImageAttribute: 0 };
  const wanted = new Set(changed);
  const work: { amis: RegionAmi[]; channels: ChannelTargets[] }[] = [];
  for (const plan of Object.values(promotionPlans())) {
    if (!plan.channels.some((c) => wanted.has(c.name))) continue;
    const outcomes = (await listOutcomes(plan.image)).filter((o) => o.outcome === 'promoted' && o.amis?.length);
    if (outcomes.length === 0) continue;
    const retired = new Set((await listBuilds(plan.image)).filter((b) => b.retiredAt).map((b) => b.version));
    const versions = new Map<string, RegionAmi[]>();
    for (const o of outcomes) if (!retired.has(o.version)) versions.set(o.version, o.amis ?? []);
    for (const [version, amis] of versions) {
      const held = await channelsHeld(plan.image, version);
      if (![...held].some((c) => wanted.has(c))) continue;
      const channels = plan.channels.filter((c) => held.has(c.name)).map((c) => ({ name: c.name, targets: c.targets }));
      work.push({ amis, channels });
    }
  }
  const applied = await mapWithConcurrency(work, VERSION_CONCURRENCY, (w) => grantVersionTo(w.amis, w.channels));
  return {
    channels: [...wanted],
    versions: work.length,
    modifyImageAttribute: applied.flatMap((a) => a.applied).reduce((n, a) => n + a.imageCalls, 0),
  };
}
