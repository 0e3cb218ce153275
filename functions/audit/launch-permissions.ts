import type { DecisionsAndRevocations } from '../../aws/audit/image-decisions.js';
import { listBuilds, listRevocations } from '../../aws/lifecycle/lifecycle-ledger.js';
import { listOutcomes } from '../../aws/promotion/promotion-ledger.js';
import { readLaunchPermissions } from '../../aws/sharing/ec2-sharing.js';
import { grantDrift, hasGrantDrift } from '../../core/audit/launch-permissions.js';
import { mapWithConcurrency } from '../../core/concurrency.js';
import type { RegionAmi } from '../../core/promotion/types.js';
import { organizationForOnePass } from '../sharing/channel-targets.js';
import { versionsInFlight } from '../sharing/in-flight.js';
import { retiredSharedOf } from '../sharing/retired-shared.js';
import { type LiveVersion, type Plan, repairLaunchPermissions, wantedOf } from './launch-repair.js';
import { type AuditPart, emptyPart, failed, messageOf } from './report.js';

/** An image's decisions and revocations as this pass reads them (functions/audit/index.ts). */
export type DecisionsReader = (image: string) => Promise<DecisionsAndRevocations>;

/** AMIs read at once (DescribeImageAttribute is one request per AMI; EC2 throttles per Region and account). */
export const AMI_CONCURRENCY = 8;

/**
 * The versions whose launch permissions Goldsmith keeps: promoted to a channel (the ledger's `PROMOTION#` records),
 * neither retired nor revoked, with AMIs recorded; a version with a promotion in flight (its Share begun, `SHARING#`
 * or `SHARE#`, its outcome not recorded, for less than the longest the state machine can still be running it:
 * core/sharing/in-flight.ts) is being changed by Share now and is left to it; one whose promotion has been in flight
 * longer (its outcome never recorded) is audited like any other, its unexplained grants withdrawn. The same set the
 * organization re-grant keeps (functions/sharing/regrant.ts). Six queries per image, five when the daily audit hands
 * over the decisions and revocations it read for the image (`decisions`, one Query for both): the builds, decisions
 * and revocations read here are the ones the retired versions kept shared are worked out from.
 */
async function liveVersions(plan: Plan, now: Date, decisions?: DecisionsReader): Promise<LiveVersion[]> {
  const [{ outcomes, revocations }, builds] = await Promise.all([
    decisions
      ? decisions(plan.image)
      : Promise.all([listOutcomes(plan.image), listRevocations(plan.image)]).then(([outcomes, revocations]) => ({
          outcomes,
          revocations,
        })),
    // Of each build only whether it was retired or deleted (a build item also holds its cost, lineage and statuses).
    listBuilds(plan.image, ['retiredAt', 'deletedAt']),
  ]);
  const inFlight = await versionsInFlight(plan.image, outcomes, now);
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
 * (`DRIFT#launch#…`) once it still holds against EC2 read again and the ledger read after that (a version revoked
 * or retired meanwhile wants fewer grants, or none; a grant a promotion has in flight is let be: launch-repair.ts),
 * put right through Share's own path (applyLaunchGrants: the planner's fewest ModifyImageAttribute calls, additions
 * first), read back, and marked repaired once EC2 answers exactly the grants wanted. Snapshots' copy permissions are put right with it, not compared. One AMI's failure stops no other.
 */
export async function auditLaunchPermissions(
  plans: readonly Plan[],
  now: Date,
  decisions?: DecisionsReader,
  /** Only these AMIs (a change event named them); absent: every live version's AMIs. */
  onlyAmis?: ReadonlySet<string>,
): Promise<AuditPart> {
  const part = emptyPart();
  const work: { plan: Plan; live: LiveVersion; ami: RegionAmi; wanted: Awaited<ReturnType<typeof wantedOf>> }[] = [];
  // Every version's wanted grants from one read of the organization (its held state read once per pass, not once
  // per version); a repair reads it again (`expectedNow`).
  const organization = organizationForOnePass();
  for (const plan of plans) {
    let versions: LiveVersion[];
    try {
      versions = await liveVersions(plan, now, decisions);
    } catch (error) {
      failed(part, `${plan.image}: the ledger's live versions: ${messageOf(error)}`, error);
      continue;
    }
    for (const live of versions) {
      let wanted: Awaited<ReturnType<typeof wantedOf>>;
      try {
        wanted = await wantedOf(live, live.channels, organization);
      } catch (error) {
        failed(part, `${live.image} ${live.version}: resolving its channels: ${messageOf(error)}`, error);
        continue;
      }
      for (const ami of live.amis) if (!onlyAmis || onlyAmis.has(ami.imageId)) work.push({ plan, live, ami, wanted });
    }
  }
  part.checked = work.length;
  await mapWithConcurrency(work, AMI_CONCURRENCY, async ({ plan, live, ami, wanted }) => {
    const label = `${live.image} ${live.version} ${ami.region} ${ami.imageId}`;
    try {
      part.reads += 1;
      const held = await readLaunchPermissions(ami.region, ami.imageId);
      const drift = grantDrift(held, wanted.grants);
      if (hasGrantDrift(drift)) await repairLaunchPermissions(part, plan, live, ami, drift, now);
    } catch (error) {
      failed(part, `${label}: ${messageOf(error)}`, error);
    }
  });
  return part;
}
