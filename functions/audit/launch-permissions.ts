import { markDriftRepaired, recordDrift } from '../../aws/audit-ledger.js';
import { readLaunchPermissions } from '../../aws/ec2-sharing.js';
import { listBuilds, listRevocations, queryPrefix } from '../../aws/lifecycle-ledger.js';
import { listOutcomes } from '../../aws/promotion-ledger.js';
import {
  describeGrants,
  type GrantDrift,
  grantDrift,
  hasGrantDrift,
  launchDriftSk,
} from '../../core/audit/launch-permissions.js';
import { mapWithConcurrency } from '../../core/concurrency.js';
import type { RegionAmi } from '../../core/promotion/types.js';
import type { TargetSpec } from '../../core/sharing/targets.js';
import { logger } from '../lib/powertools.js';
import { type ChannelTargets, resolveChannels } from '../sharing/channel-targets.js';
import { applyLaunchGrants } from '../sharing/launch-grants.js';
import { retiredGrantsWanted, retiredSharedOf } from '../sharing/retired-shared.js';
import { channelsHeld } from '../sharing/version-grants.js';
import { type AuditPart, announceFinding, emptyPart, failed, messageOf } from './report.js';

/** AMIs read at once (DescribeImageAttribute is one request per AMI; EC2 throttles per Region and account). */
export const AMI_CONCURRENCY = 8;

/** One live version of an image and the channels it holds (for a retired version kept shared, those it was promoted to). */
interface LiveVersion {
  image: string;
  version: string;
  amis: RegionAmi[];
  channels: ChannelTargets[];
  /** Retired but kept shared: launchable only by these users that its channels still reach. */
  retiredUsers?: string[];
}

type Plan = { image: string; channels: readonly { name: string; targets: TargetSpec & { allowCopy?: boolean } }[] };

/**
 * The versions whose launch permissions Goldsmith keeps: promoted to a channel (the ledger's `PROMOTION#` records),
 * neither retired nor revoked, with AMIs recorded; a version whose Share has granted a channel whose promotion has
 * not recorded its outcome yet (`SHARE#` without `PROMOTION#`) is being changed by Share now and is left to it. The
 * same set the organization re-grant keeps (functions/sharing/regrant.ts). Six queries per image: the builds,
 * decisions and revocations read here are the ones the retired versions kept shared are worked out from.
 */
async function liveVersions(plan: Plan): Promise<LiveVersion[]> {
  const [outcomes, builds, revocations, shares] = await Promise.all([
    listOutcomes(plan.image),
    // Of each build only whether it was retired or deleted (a build item also holds its cost, lineage and statuses).
    listBuilds(plan.image, ['retiredAt', 'deletedAt']),
    listRevocations(plan.image),
    // Of each share only which version and channel it was (the rest, its accounts and AMIs, is most of its size).
    queryPrefix<{ version: string; channel: string }>(plan.image, 'SHARE#', ['version', 'channel']),
  ]);
  const decided = new Set(outcomes.map((o) => `${o.version}#${o.channel}`));
  const inFlight = new Set(shares.filter((s) => !decided.has(`${s.version}#${s.channel}`)).map((s) => s.version));
  const gone = new Set([
    ...builds.filter((b) => b.retiredAt || b.deletedAt).map((b) => b.version),
    ...revocations.filter((r) => r.state === 'revoked').map((r) => r.version),
  ]);
  const byVersion = new Map<string, LiveVersion>();
  for (const o of outcomes) {
    if (o.outcome !== 'promoted' || !o.amis?.length || gone.has(o.version) || inFlight.has(o.version)) continue;
    const channel = plan.channels.find((c) => c.name === o.channel);
    if (!channel) continue;
    const live = byVersion.get(o.version) ?? { image: plan.image, version: o.version, amis: o.amis, channels: [] };
    live.channels.push({ name: channel.name, targets: channel.targets });
    byVersion.set(o.version, live);
  }
  const retired = (await retiredSharedOf(plan, { builds, outcomes, revocations })).map(
    (r): LiveVersion => ({
      image: r.image,
      version: r.version,
      amis: r.amis,
      channels: r.channels,
      retiredUsers: r.users,
    }),
  );
  return [...byVersion.values(), ...retired];
}

/**
 * The daily audit of launch permissions: each AMI of each live version (see {@link liveVersions}), in each Region,
 * read (DescribeImageAttribute) and compared with what its channels' targets resolve to in the organization as held
 * now (Share's own resolution). An AMI that grants someone it should not, or lacks a grant, is recorded
 * (`DRIFT#launch#…`), its version's channels read again from the ledger (a version revoked or retired meanwhile
 * wants fewer grants, or none), put right through Share's own path (applyLaunchGrants: the planner's fewest
 * ModifyImageAttribute calls, additions first), read back, and marked repaired once EC2 answers exactly the grants
 * wanted. Snapshots' copy permissions are put right with it, not compared. One AMI's failure stops no other.
 */
export async function auditLaunchPermissions(plans: readonly Plan[], now: Date): Promise<AuditPart> {
  const part = emptyPart();
  const work: { live: LiveVersion; ami: RegionAmi; wanted: Awaited<ReturnType<typeof grantsOf>> }[] = [];
  for (const plan of plans) {
    let versions: LiveVersion[];
    try {
      versions = await liveVersions(plan);
    } catch (error) {
      failed(part, `${plan.image}: the ledger's live versions: ${messageOf(error)}`, error);
      continue;
    }
    for (const live of versions) {
      let wanted: Awaited<ReturnType<typeof grantsOf>>;
      try {
        wanted = await wantedOf(live, live.channels);
      } catch (error) {
        failed(part, `${live.image} ${live.version}: resolving its channels: ${messageOf(error)}`, error);
        continue;
      }
      for (const ami of live.amis) work.push({ live, ami, wanted });
    }
  }
  part.checked = work.length;
  await mapWithConcurrency(work, AMI_CONCURRENCY, async ({ live, ami, wanted }) => {
    const label = `${live.image} ${live.version} ${ami.region} ${ami.imageId}`;
    try {
      part.reads += 1;
      const held = await readLaunchPermissions(ami.region, ami.imageId);
      const drift = grantDrift(held, wanted.grants);
      if (hasGrantDrift(drift)) await repairLaunchPermissions(part, live, ami, drift, now);
    } catch (error) {
      failed(part, `${label}: ${messageOf(error)}`, error);
    }
  });
  return part;
}

/** What channels want an AMI to grant (their targets resolved), and which accounts may copy it. */
async function grantsOf(channels: readonly ChannelTargets[]) {
  const resolved = await resolveChannels(channels);
  return { grants: resolved.union.grants, copyAccounts: resolved.copyAccounts };
}

/** What a version's AMIs should grant: its channels' targets, or, retired and kept shared, its users still reached. */
async function wantedOf(live: LiveVersion, channels: readonly ChannelTargets[]) {
  if (!live.retiredUsers) return grantsOf(channels);
  const grants = await retiredGrantsWanted({ channels, users: live.retiredUsers });
  return { grants, copyAccounts: [] };
}

const drifted = (d: GrantDrift) =>
  [
    d.extra.length > 0 ? `granted to ${describeGrants(d.extra)}` : '',
    d.missing.length > 0 ? `not granted to ${describeGrants(d.missing)}` : '',
  ]
    .filter(Boolean)
    .join('; ');

async function repairLaunchPermissions(
  part: AuditPart,
  live: LiveVersion,
  ami: RegionAmi,
  first: GrantDrift,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  // Read the ledger again just before repairing: a version revoked or retired since the pass began wants less.
  const held = live.retiredUsers
    ? new Set(live.channels.map((c) => c.name))
    : await channelsHeld(live.image, live.version);
  const wanted = await wantedOf(
    live,
    live.channels.filter((c) => held.has(c.name)),
  );
  const inForce = await readLaunchPermissions(ami.region, ami.imageId);
  part.reads += 1;
  const drift = grantDrift(inForce, wanted.grants);
  if (!hasGrantDrift(drift)) return;
  const sk = launchDriftSk(live.version, ami.region, first, now);
  const finding = {
    resource: 'launch-permissions' as const,
    image: live.image,
    version: live.version,
    region: ami.region,
    found: `${ami.imageId} ${drifted(drift)}`,
    expected: `launchable by ${describeGrants(wanted.grants)}`,
  };
  logger.warn("an AMI's launch permissions differ from Goldsmith's grants; putting them back", { ...finding });
  await recordDrift({ ...finding, sk, action: 'grants put back', foundAt: at });
  await applyLaunchGrants([
    { region: ami.region, imageId: ami.imageId, grants: wanted.grants, copyAccounts: wanted.copyAccounts },
  ]);
  part.reads += 1;
  const after = grantDrift(await readLaunchPermissions(ami.region, ami.imageId), wanted.grants);
  const confirmed = !hasGrantDrift(after);
  const action = confirmed
    ? `put back: ${[
        drift.missing.length ? `granted ${describeGrants(drift.missing)} again` : '',
        drift.extra.length ? `withdrew ${describeGrants(drift.extra)}` : '',
      ]
        .filter(Boolean)
        .join(', ')}; EC2 confirms it`
    : `put back, but EC2 still shows ${drifted(after)}`;
  if (confirmed) await markDriftRepaired(live.image, sk, at, `launchable by ${describeGrants(wanted.grants)}`);
  const full = { ...finding, action, repaired: confirmed };
  part.findings.push(full);
  await announceFinding(full, sk, at);
}
