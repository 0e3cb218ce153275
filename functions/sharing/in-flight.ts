import { readImagePartitionByPrefix } from '../../aws/ledger/image-partition.js';
import { getRevocation } from '../../aws/lifecycle/promotion-findings.js';
import { readVersionSharing } from '../../aws/promotion/promotion-ledger.js';
import { retryPolicyOf } from '../../core/errors/retry.js';
import { channelsInFlight, type ShareStarted, shareInFlightSeconds } from '../../core/sharing/in-flight.js';
import type { OrgTree } from '../../core/sharing/targets.js';
import { bundledCatalog } from '../lib/catalog.js';
import {
  type ChannelTargets,
  type OrganizationReader,
  organizationForOnePass,
  resolveChannels,
} from './channel-targets.js';
import { heldChannels } from './version-grants.js';

const SHARE = 'SHARE#';
const SHARING = 'SHARING#';

/**
 * Promotions in flight, as the paths that settle a version's launch permissions without being its promotion read
 * them (the daily audit, functions/audit/; the organization re-grant, regrant.ts): core/sharing/in-flight.ts.
 */

/** How long a Share with no outcome counts as in flight under the bundled catalog's retry horizon. */
export function inFlightSeconds(): number {
  return shareInFlightSeconds(retryPolicyOf(bundledCatalog()));
}

/**
 * Of each version of `image`, the channels a promotion has in flight at `now`, from a first (eventually consistent)
 * read: the Shares begun (`SHARING#`) and recorded (`SHARE#`), in one Query over both prefixes, of each only its
 * version, channel and time; `outcomes` are the image's recorded decisions.
 */
export async function versionsInFlight(
  image: string,
  outcomes: readonly { version: string; channel: string }[],
  now: Date,
): Promise<Map<string, string[]>> {
  // `SHARE#` and `SHARING#` are next to each other in the partition's sort-key order: one range holds both.
  const read = await readImagePartitionByPrefix(image, [[SHARE, SHARING]], {
    consistent: false,
    attributes: ['version', 'channel', 'at'],
  });
  type Started = ShareStarted & { version: string };
  const all = [...read.of<Started>(SHARING), ...read.of<Started>(SHARE)];
  const maxAge = inFlightSeconds();
  const byVersion = new Map<string, string[]>();
  for (const version of new Set(all.map((s) => s.version))) {
    const of = <T extends { version: string }>(items: readonly T[]) => items.filter((i) => i.version === version);
    const flying = channelsInFlight(of(all), of(outcomes), now, maxAge);
    if (flying.length > 0) byVersion.set(version, flying);
  }
  return byVersion;
}

/**
 * What the ledger says of one version now, read strongly consistent: to be read after EC2 answered, so a grant EC2
 * showed has its Share's intent here (the intent is written before the first grant, and a consistent read reflects
 * every write that succeeded before it). The channels it holds and those a promotion has in flight; a revoked
 * version holds nothing and has nothing in flight.
 */
export async function versionChannelsNow(
  image: string,
  version: string,
  now: Date,
): Promise<{ held: Set<string>; flying: Set<string>; revoked: boolean }> {
  const [{ outcomes, started }, revocation] = await Promise.all([
    readVersionSharing(image, version),
    getRevocation(image, version),
  ]);
  const revoked = revocation?.state === 'revoked';
  return {
    held: heldChannels(outcomes, revoked),
    flying: new Set(revoked ? [] : channelsInFlight(started, outcomes, now, inFlightSeconds())),
    revoked,
  };
}

/**
 * What a version's channels want of its AMIs now, the ledger read as {@link versionChannelsNow} reads it: the
 * channels it holds resolved (`wanted`) and those a promotion has in flight (`inFlight`: their grants are kept where
 * in force, never added), both against one organization (`given`, else read once now). The audit's repair and the
 * organization re-grant plan from it.
 */
export async function versionTargetsNow(
  image: string,
  version: string,
  channels: readonly ChannelTargets[],
  now: Date,
  given?: OrgTree | OrganizationReader,
) {
  const { held, flying, revoked } = await versionChannelsNow(image, version, now);
  const organization = given ?? organizationForOnePass();
  const [wanted, inFlight] = await Promise.all([
    resolveChannels(
      channels.filter((c) => held.has(c.name)),
      organization,
    ),
    resolveChannels(
      channels.filter((c) => flying.has(c.name)),
      organization,
    ),
  ]);
  return { revoked, wanted, inFlight };
}
