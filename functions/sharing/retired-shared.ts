import { listHolds, listUsage } from '../../aws/fleet/usage-ledger.js';
import {
  type LifecycleBuild,
  listBuilds,
  listRevocations,
  type RevocationItem,
} from '../../aws/lifecycle/lifecycle-ledger.js';
import { listOutcomes, type OutcomeRecord } from '../../aws/promotion/promotion-ledger.js';
import type { BuildHistory } from '../../core/lifecycle/retention.js';
import type { RegionAmi } from '../../core/promotion/types.js';
import type { LaunchGrant } from '../../core/sharing/grants.js';
import { retiredSharedVersions, retiredUserGrants } from '../../core/sharing/retired-shared.js';
import type { OrgTree } from '../../core/sharing/targets.js';
import { versionsInUse } from '../lifecycle/usage.js';
import { type ChannelTargets, type OrganizationReader, resolveChannels } from './channel-targets.js';
import { type AppliedRegionGrants, applyLaunchGrants, withdrawLaunchGrants } from './launch-grants.js';

/** A retired version kept shared for its users: its AMIs, the channels it was promoted to, and its users. */
export interface RetiredShared {
  image: string;
  version: string;
  amis: RegionAmi[];
  channels: ChannelTargets[];
  /** The accounts its latest usage observation names. */
  users: string[];
}

/** An image's builds, channel decisions and revocations as its caller already read them in this invocation. */
export interface ImageLedgerRead {
  builds: readonly (Pick<LifecycleBuild, 'retiredAt' | 'deletedAt'> & { version: string })[];
  outcomes: readonly OutcomeRecord[];
  revocations: readonly RevocationItem[];
}

/**
 * An image's retired versions kept shared (core `retiredSharedVersions`: retired, not deleted, not revoked, still in
 * use, not released), each with the channels of the catalog it was promoted to. Five queries, or two when the caller
 * hands over the builds, decisions and revocations it read a moment before (`read`: the daily audit of launch
 * permissions reads them for its own decision; reading them twice in one invocation only doubled the cost).
 */
export async function retiredSharedOf(
  plan: {
    image: string;
    channels: readonly ChannelTargets[];
  },
  read?: ImageLedgerRead,
): Promise<RetiredShared[]> {
  const [builds, outcomes, revocations, usage, holds] = await Promise.all([
    read?.builds ?? listBuilds(plan.image),
    read?.outcomes ?? listOutcomes(plan.image),
    read?.revocations ?? listRevocations(plan.image),
    listUsage(plan.image),
    listHolds(plan.image),
  ]);
  const used = versionsInUse(usage);
  const versions = retiredSharedVersions(
    builds,
    new Set(used.keys()),
    new Set(revocations.filter((r) => r.state === 'revoked').map((r) => r.version)),
    new Set(holds.filter((h) => h.releasedAt).map((h) => h.version)),
  );
  return versions.flatMap((version) => {
    const promoted = outcomes.filter((o) => o.version === version && o.outcome === 'promoted');
    const amis = promoted.find((o) => o.amis?.length)?.amis ?? [];
    const held = new Set(promoted.map((o) => o.channel));
    const channels = plan.channels.filter((c) => held.has(c.name));
    if (amis.length === 0) return [];
    return [{ image: plan.image, version, amis, channels, users: used.get(version)?.accounts ?? [] }];
  });
}

/**
 * The grants a retired version kept shared stays launchable by: its users that its channels still reach in the
 * organization as held now (or `tree`), by account id; nobody when its channels reach none of them.
 */
export async function retiredGrantsWanted(
  v: { channels: readonly ChannelTargets[]; users: readonly string[] },
  tree?: OrgTree | OrganizationReader,
): Promise<LaunchGrant[]> {
  if (v.users.length === 0) return [];
  const resolved = await resolveChannels(v.channels, tree);
  return retiredUserGrants({ users: v.users, reached: resolved.union.accounts });
}

/**
 * Makes a retired version's AMIs launchable by exactly its users still reached (see {@link retiredGrantsWanted}),
 * through Share's own path (read, plan the fewest calls, apply); nobody may copy a retired version.
 */
export async function grantRetiredUsers(
  v: { amis: readonly RegionAmi[]; channels: readonly ChannelTargets[]; users: readonly string[] },
  tree?: OrgTree,
): Promise<AppliedRegionGrants[]> {
  const grants = await retiredGrantsWanted(v, tree);
  return applyLaunchGrants(v.amis.map((a) => ({ region: a.region, imageId: a.imageId, grants, copyAccounts: [] })));
}

/**
 * Narrows retired versions kept shared to their users still reached (see {@link grantRetiredUsers}): the lifecycle's
 * pass, from the image's build histories (the channels each was promoted to) and its users (`used`). An OU or
 * organization grant the version had is withdrawn, and so is an account that stopped using it or left.
 */
export async function narrowToUsers(
  channels: readonly ChannelTargets[],
  histories: readonly BuildHistory[],
  used: ReadonlyMap<string, { accounts: readonly string[] }>,
  versions: readonly string[],
  amisOf: (version: string) => Promise<readonly RegionAmi[]>,
): Promise<void> {
  for (const version of versions) {
    const promoted = new Set(histories.find((b) => b.version === version)?.promotions.map((p) => p.channel) ?? []);
    await grantRetiredUsers({
      amis: await amisOf(version),
      channels: channels.filter((c) => promoted.has(c.name)).map((c) => ({ name: c.name, targets: c.targets })),
      users: used.get(version)?.accounts ?? [],
    });
  }
}

/**
 * Withdraws every launch permission of retired versions kept shared no more (core `formerlySharedVersions`: their users
 * all moved off, or an operator released them): deprecated, they wait for their deletion launchable by nobody.
 */
export async function withdrawFormerlyShared(
  versions: readonly string[],
  amisOf: (version: string) => Promise<readonly RegionAmi[]>,
): Promise<void> {
  for (const version of versions) await withdrawLaunchGrants(await amisOf(version));
}
