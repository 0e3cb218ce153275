import { listBuilds } from '../../aws/lifecycle/lifecycle-ledger.js';
import { listOutcomes } from '../../aws/promotion/promotion-ledger.js';
import { readLaunchPermissions } from '../../aws/sharing/ec2-sharing.js';
import { repairableDrift } from '../../core/audit/launch-permissions.js';
import { mapWithConcurrency } from '../../core/concurrency.js';
import type { RegionAmi } from '../../core/promotion/types.js';
import { assertWithinSharingQuota, sharingEntities } from '../../core/sharing/sharing-quota.js';
import { type OrgTree, resolveTargets, simplifyGrants, withoutMissingOus } from '../../core/sharing/targets.js';
import { bundledCatalog } from '../lib/catalog.js';
import { logger } from '../lib/powertools.js';
import { promotionPlans } from '../promotion/plans.js';
import type { ChannelTargets } from './channel-targets.js';
import { versionsInFlight, versionTargetsNow } from './in-flight.js';
import { applyLaunchGrants } from './launch-grants.js';
import { grantRetiredUsers, retiredSharedOf } from './retired-shared.js';
import { heldChannels } from './version-grants.js';

/** Versions re-granted at once: each fans out to its Regions (launch-grants.ts bounds those). */
const VERSION_CONCURRENCY = 4;

/**
 * A channel's targets as a re-grant resolves them: an OU the organization no longer has reaches no account, so it is
 * left out (and logged) rather than stopping the re-grant of the channel's other targets and every later sync.
 */
function inTree(tree: OrgTree, c: ChannelTargets): ChannelTargets {
  const { spec, missing } = withoutMissingOus(tree, c.targets);
  if (missing.length === 0) return c;
  logger.warn('a channel names OUs the organization no longer has; they reach no account', {
    channel: c.name,
    missing,
  });
  return { name: c.name, targets: { ...spec, allowCopy: c.targets.allowCopy } };
}

/** A channel's resolution, as far as what EC2 holds depends on it: the grants and the accounts that may copy. */
function fingerprint(tree: OrgTree, c: ChannelTargets): string {
  const { spec } = withoutMissingOus(tree, c.targets);
  const r = resolveTargets(tree, spec);
  const copy = c.targets.allowCopy ? r.accounts : [];
  return JSON.stringify([simplifyGrants(tree, r.grants), copy]);
}

/**
 * The channels whose launch grants or copy accounts differ between two trees. An account moved into an OU a channel
 * grants by ARN changes nothing EC2 holds (the OU grant reaches it at once); an exclusion, a tag a channel selects
 * by, an account closed or moved where a channel grants by account id, or a copy channel's accounts do.
 */
export function channelsChangedBy(before: OrgTree, after: OrgTree, channels: readonly ChannelTargets[]): string[] {
  return channels.filter((c) => fingerprint(before, c) !== fingerprint(after, c)).map((c) => c.name);
}

/** A version's AMIs from any of its recorded outcomes (every outcome of a build carries the same AMIs). */
function amisOf(
  outcomes: readonly { version: string; amis?: RegionAmi[] | undefined }[],
  version: string,
): RegionAmi[] {
  return outcomes.find((o) => o.version === version && o.amis?.length)?.amis ?? [];
}

/** What one re-grant did. */
export interface RegrantResult {
  channels: string[];
  versions: number;
  modifyImageAttribute: number;
}

/** One version to re-grant: its AMIs and every catalog channel of its image, as `tree` resolves them. */
interface VersionWork {
  image: string;
  version: string;
  amis: RegionAmi[];
  channels: ChannelTargets[];
}

/**
 * Re-grants one version, as the daily audit repairs one (functions/audit/launch-repair.ts): EC2 is read first and
 * the ledger after it, strongly consistent (a Share writes its intent before its first grant, so a grant EC2 showed
 * has its intent in this read). The grants of the channels the version holds are made exactly what `tree` resolves;
 * those of a promotion in flight (core/sharing/in-flight.ts) are neither withdrawn nor added — its Share makes them,
 * or RecordOutcome takes them back; and the change is planned against what EC2 showed, so a grant a Share made
 * after that read is not taken away. A version revoked meanwhile is left to its revocation.
 */
async function regrantVersion(w: VersionWork, tree: OrgTree, now: Date, quota: number | undefined) {
  const read = await Promise.all(
    w.amis.map(async (ami) => ({ ami, inForce: await readLaunchPermissions(ami.region, ami.imageId) })),
  );
  const { revoked, wanted, inFlight } = await versionTargetsNow(w.image, w.version, w.channels, now, tree);
  if (revoked) return [];
  const desired = read.map(({ ami, inForce }) => ({
    region: ami.region,
    imageId: ami.imageId,
    grants: repairableDrift(inForce, wanted.union.grants, inFlight.union.grants).keep,
    copyAccounts: wanted.copyAccounts,
    copyKept: inFlight.copyAccounts,
    inForce,
  }));
  assertWithinSharingQuota({
    image: w.image,
    version: w.version,
    quota,
    regions: w.amis.map((a) => a.region),
    entities: Math.max(0, ...desired.map((d) => sharingEntities(d.grants))),
    channels: [...wanted.byChannel, ...inFlight.byChannel].map(([channel, r]) => ({
      channel,
      entities: sharingEntities(r.grants),
    })),
  });
  return applyLaunchGrants(desired);
}

/**
 * Makes every version that holds one of `changed` channels launchable by exactly the accounts its channels reach in
 * `tree`: the versions each image's ledger records promoted there, not revoked, not retired, and those with a
 * promotion of such a channel in flight (its Share begun, its outcome not recorded: core/sharing/in-flight.ts);
 * container images aside (their repository policies name OUs and accounts the catalog names). Each version is read
 * again before it is changed (`regrantVersion`), so a promotion that began after the first read keeps its grants.
 * EC2's grants are compared with those in force, so a version already right costs only its reads.
 */
export async function regrantChannels(
  changed: readonly string[],
  tree: OrgTree,
  now: Date = new Date(),
): Promise<RegrantResult> {
  if (changed.length === 0) return { channels: [], versions: 0, modifyImageAttribute: 0 };
  const wanted = new Set(changed);
  // Each channel's targets as this tree resolves them, worked out (and a missing OU logged) once per channel.
  const inThisTree = new Map<string, ChannelTargets>();
  const channelIn = (c: ChannelTargets) => {
    const known = inThisTree.get(c.name) ?? inTree(tree, c);
    inThisTree.set(c.name, known);
    return known;
  };
  const quota = bundledCatalog().quotas.amiSharing;
  const work: VersionWork[] = [];
  for (const plan of Object.values(promotionPlans())) {
    if (!plan.channels.some((c) => wanted.has(c.name))) continue;
    const all = await listOutcomes(plan.image);
    const outcomes = all.filter((o) => o.outcome === 'promoted' && o.amis?.length);
    const inFlight = await versionsInFlight(plan.image, all, now);
    if (outcomes.length === 0 && inFlight.size === 0) continue;
    const retired = new Set((await listBuilds(plan.image)).filter((b) => b.retiredAt).map((b) => b.version));
    const versions = new Map<string, RegionAmi[]>();
    for (const o of outcomes) if (!retired.has(o.version)) versions.set(o.version, o.amis ?? []);
    // A retired version with a promotion in flight is not shared again: retirement withdrew it (its users, if any,
    // are re-granted by regrantRetiredShared).
    for (const v of inFlight.keys()) if (!versions.has(v) && !retired.has(v)) versions.set(v, amisOf(all, v));
    for (const [version, amis] of versions) {
      const held = heldChannels(
        all.filter((o) => o.version === version),
        false,
      );
      for (const c of inFlight.get(version) ?? []) held.add(c);
      if (amis.length === 0 || ![...held].some((c) => wanted.has(c))) continue;
      const channels = plan.channels.map((c) => channelIn({ name: c.name, targets: c.targets }));
      work.push({ image: plan.image, version, amis, channels });
    }
  }
  const applied = await mapWithConcurrency(work, VERSION_CONCURRENCY, (w) => regrantVersion(w, tree, now, quota));
  return {
    channels: [...wanted],
    versions: work.length,
    modifyImageAttribute: applied.flat().reduce((n, a) => n + a.imageCalls, 0),
  };
}

/**
 * After the organization changed: every retired version kept shared for its users (functions/sharing/retired-shared.ts)
 * made launchable by exactly its users the channels it was promoted to still reach in `tree` — an account that left
 * the organization or its channels' targets loses it within minutes, and none is added beyond its users. Whatever
 * channels the change altered: such a version is granted by account id, so any account's leave matters.
 */
export async function regrantRetiredShared(tree: OrgTree): Promise<Omit<RegrantResult, 'channels'>> {
  let versions = 0;
  let modifyImageAttribute = 0;
  for (const plan of Object.values(promotionPlans())) {
    const channels = plan.channels.map((c) => ({ name: c.name, targets: c.targets }));
    for (const v of await retiredSharedOf({ image: plan.image, channels })) {
      const applied = await grantRetiredUsers({ ...v, channels: v.channels.map((c) => inTree(tree, c)) }, tree);
      versions++;
      modifyImageAttribute += applied.reduce((n, a) => n + a.imageCalls, 0);
    }
  }
  return { versions, modifyImageAttribute };
}
