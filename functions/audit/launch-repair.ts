import { markDriftRepaired, recordDrift } from '../../aws/audit/audit-ledger.js';
import { readLaunchPermissions } from '../../aws/sharing/ec2-sharing.js';
import {
  describeGrants,
  type GrantDrift,
  hasGrantDrift,
  launchDriftSk,
  repairableDrift,
} from '../../core/audit/launch-permissions.js';
import { isTransient } from '../../core/errors/classify.js';
import type { RegionAmi } from '../../core/promotion/types.js';
import type { LaunchGrant } from '../../core/sharing/grants.js';
import type { TargetSpec } from '../../core/sharing/targets.js';
import { logger } from '../lib/powertools.js';
import { type ChannelTargets, type OrganizationReader, resolveChannels } from '../sharing/channel-targets.js';
import { versionTargetsNow } from '../sharing/in-flight.js';
import { applyLaunchGrants } from '../sharing/launch-grants.js';
import { retiredGrantsWanted } from '../sharing/retired-shared.js';
import { type AuditPart, announceFinding, messageOf } from './report.js';

/** One image's channels as the catalog states them. */
export type Plan = {
  image: string;
  channels: readonly { name: string; targets: TargetSpec & { allowCopy?: boolean } }[];
};

/** One live version of an image and the channels it holds (for a retired version kept shared, those it was promoted to). */
export interface LiveVersion {
  image: string;
  version: string;
  amis: RegionAmi[];
  channels: ChannelTargets[];
  /** Retired but kept shared: launchable only by these users that its channels still reach. */
  retiredUsers?: string[];
}

/** What channels want an AMI to grant (their targets resolved), and which accounts may copy it. */
async function grantsOf(channels: readonly ChannelTargets[], organization?: OrganizationReader) {
  const resolved = await resolveChannels(channels, organization);
  return { grants: resolved.union.grants, copyAccounts: resolved.copyAccounts };
}

/**
 * What a version's AMIs should grant: its channels' targets, or, retired and kept shared, its users still reached.
 * `organization`: the organization as this pass read it (functions/sharing/channel-targets.ts), else read now.
 */
export async function wantedOf(
  live: LiveVersion,
  channels: readonly ChannelTargets[],
  organization?: OrganizationReader,
) {
  if (!live.retiredUsers) return grantsOf(channels, organization);
  const grants = await retiredGrantsWanted({ channels, users: live.retiredUsers }, organization);
  return { grants, copyAccounts: [] };
}

/**
 * What the ledger says of a version now, read (strongly consistent) after EC2 answered (functions/sharing/in-flight.ts):
 * the grants of the channels it holds, and those of the channels a promotion has in flight. Every catalog channel
 * counts, not only those held when the pass began: a promotion recorded since wants its grants kept. A retired
 * version kept shared is not promoted further.
 */
async function expectedNow(plan: Plan, live: LiveVersion, now: Date) {
  if (live.retiredUsers) {
    return { wanted: await wantedOf(live, live.channels), inFlight: [] as LaunchGrant[], copyKept: [] as string[] };
  }
  const { wanted, inFlight } = await versionTargetsNow(live.image, live.version, plan.channels, now);
  return {
    wanted: { grants: wanted.union.grants, copyAccounts: wanted.copyAccounts },
    inFlight: inFlight.union.grants,
    copyKept: inFlight.copyAccounts,
  };
}

export const drifted = (d: GrantDrift) =>
  [
    d.extra.length > 0 ? `granted to ${describeGrants(d.extra)}` : '',
    d.missing.length > 0 ? `not granted to ${describeGrants(d.missing)}` : '',
  ]
    .filter(Boolean)
    .join('; ');

/** Share's own path for one AMI: planned against EC2 as read before the ledger (a grant a Share made since is kept). */
function putBack(
  ami: RegionAmi,
  grants: readonly LaunchGrant[],
  wanted: { copyAccounts: readonly string[] },
  copyKept: readonly string[],
  inForce: Awaited<ReturnType<typeof readLaunchPermissions>>,
): Promise<unknown> {
  return applyLaunchGrants([
    { region: ami.region, imageId: ami.imageId, grants, copyAccounts: wanted.copyAccounts, copyKept, inForce },
  ]);
}

/**
 * Puts one AMI's launch permissions right after the pass found them differing. EC2 is read again first and the
 * ledger after it (a Share writes its intent before its first grant, so a grant EC2 shows here has its intent in
 * this read): only a difference that still holds against both is acted on. A grant a promotion has in flight is let
 * be (core/audit/launch-permissions.ts, `repairableDrift`); a grant nobody explains is withdrawn, a missing one of a
 * channel the version holds is granted again, read back, and marked repaired once EC2 answers exactly that.
 */
export async function repairLaunchPermissions(
  part: AuditPart,
  plan: Plan,
  live: LiveVersion,
  ami: RegionAmi,
  first: GrantDrift,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  const inForce = await readLaunchPermissions(ami.region, ami.imageId);
  part.reads += 1;
  const { wanted, inFlight, copyKept } = await expectedNow(plan, live, now);
  const drift = repairableDrift(inForce, wanted.grants, inFlight);
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
  try {
    await putBack(ami, drift.keep, wanted, copyKept, inForce);
  } catch (error) {
    // Refused for good (a disabled AMI "can't be shared": DisableImage,
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisableImage.html): announced, not left to retries
    // that fail the same way each pass; the failure still fails the pass. A transient one is retried unannounced.
    if (!isTransient(error)) {
      const full = { ...finding, action: `not put back: ${messageOf(error)}`, repaired: false };
      part.findings.push(full);
      await announceFinding(full, sk, at);
    }
    throw error;
  }
  part.reads += 1;
  const after = repairableDrift(await readLaunchPermissions(ami.region, ami.imageId), wanted.grants, inFlight);
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
