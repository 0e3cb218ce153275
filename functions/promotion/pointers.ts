import { digestUri, moveTag, parseImageUri } from '../../aws/promotion/ecr.js';
import type { PointerRegionRecord } from '../../aws/promotion/pointer-history.js';
import {
  type PointerDataType,
  readChannelPointer,
  readChannelPointerUntil,
  writeChannelPointer,
} from '../../aws/promotion/pointers.js';
import { organizationRef } from '../../aws/sharing/organization-ref.js';
import {
  type HeldPointerShare,
  readHeldPointerShares,
  recordPointerShareInForce,
} from '../../aws/sharing/pointer-shares-held.js';
import { addParameterToHeldShare, ensurePointerShared } from '../../aws/sharing/ram.js';
import { channelParameterName, pointerShareName } from '../../core/names.js';
import { pointerPrincipals } from '../../core/promotion/consumer-access.js';
import {
  type NotTaken,
  POINTER_READ_BACK_WAITS_MS,
  PointerNotTakenError,
  type PointerRead,
  pointerTook,
} from '../../core/promotion/pointer-taken.js';
import type { RegionAmi } from '../../core/promotion/types.js';
import type { TargetSpec } from '../../core/sharing/targets.js';

/**
 * What a channel's pointers should name: one build's AMIs or container images (by build tag), for the channel and
 * its targets. Publish passes its channel item; a rollback passes the earlier build it goes back to.
 */
export interface PointerRequest {
  image: string;
  version: string;
  buildVersionArn: string;
  build: { amis: readonly RegionAmi[]; containers: readonly { region: string; imageUri: string }[] };
  channel: { name: string; targets: TargetSpec };
}

/** What one region's pointer should say: the AMI, or the container image by digest after its channel tag moved. */
interface PointerTarget {
  region: string;
  value: string;
  dataType: PointerDataType;
}

/** `arn:aws:imagebuilder:<region>:<account>:image/...` → partition and account, the factory's own. */
export function factoryOf(buildVersionArn: string): { partition: string; account: string } {
  const [, partition, , , account] = buildVersionArn.split(':');
  if (!partition || !account || !/^\d{12}$/.test(account)) {
    throw new Error(`buildVersionArn "${buildVersionArn}" does not name an account`);
  }
  return { partition, account };
}

/** The parameter in the channel's share in `region`: from the ledger when held and fresh, else through RAM. */
async function sharePointer(
  region: string,
  name: string,
  resourceArn: string,
  principals: readonly string[],
  held: ReadonlyMap<string, HeldPointerShare>,
): Promise<{ resourceShareArn: string }> {
  const inForce = held.get(region);
  if (inForce && heldShareCovers(inForce, principals, resourceArn)) return inForce;
  const record = (resourceShareArn: string) =>
    recordPointerShareInForce({
      region,
      name,
      resourceShareArn,
      principals,
      resourceArn,
      at: new Date().toISOString(),
    });
  // The share is held with these principals: only the parameter is new.
  if (inForce && samePrincipals(inForce, principals)) {
    try {
      await addParameterToHeldShare({
        region,
        resourceShareArn: inForce.resourceShareArn,
        resourceArn,
        withdrawals: inForce.withdrawals,
      });
      await record(inForce.resourceShareArn);
      return inForce;
    } catch (err) {
      // The held share is gone (deleted outside Goldsmith): the whole path below finds or makes it again.
      if (!(err instanceof Error && err.name === 'UnknownResourceException')) throw err;
    }
  }
  const shared = await ensurePointerShared({ region, name, resourceArn, principals });
  await record(shared.resourceShareArn);
  return shared;
}

/** The channel tag moves to the build's digest first (retag by manifest), so the pointer and the tag agree. */
async function targetFor(item: PointerRequest, region: string): Promise<PointerTarget> {
  const container = item.build.containers.find((c) => c.region === region);
  if (container) {
    const ref = parseImageUri(container.imageUri);
    if (!ref) throw new Error(`build.containers: "${container.imageUri}" is not an ECR image URI with a tag`);
    const { digest } = await moveTag(ref, item.channel.name);
    return { region, value: digestUri(ref, digest), dataType: 'text' };
  }
  const ami = item.build.amis.find((a) => a.region === region);
  if (!ami) throw new Error(`build has no AMI or container image in ${region}`);
  return { region, value: ami.imageId, dataType: 'aws:ec2:image' };
}

/**
 * Whether the held share already reaches exactly `principals` with `resourceArn`. Held means RAM confirmed it when
 * Goldsmith made it; a change made outside Goldsmith since is the daily backstop's to find and repair
 * (functions/sharing/pointer-share-backstop.ts), so Publish asks RAM only for what is new.
 */
export function heldShareCovers(
  held: HeldPointerShare | undefined,
  principals: readonly string[],
  resourceArn: string,
): boolean {
  if (!held) return false;
  return held.resources.includes(resourceArn) && samePrincipals(held, principals);
}

/** Whether the held share reaches exactly `principals` (in any order). */
function samePrincipals(held: HeldPointerShare, principals: readonly string[]): boolean {
  const wanted = [...new Set(principals)].sort();
  return held.principals.length === wanted.length && held.principals.every((p, i) => p === wanted[i]);
}

/**
 * Writes one region's pointer and proves it took: GetParameter must answer the value at the version PutParameter
 * gave or later, read again a few times over seconds (Parameter Store validates an `aws:ec2:image` value after answering, core/promotion/pointer-taken.ts).
 * A pointer that already holds the value (a retry after an earlier attempt's write took) is not written again.
 * @returns the version Parameter Store holds the value at.
 * @throws PointerNotTakenError when the value is not (yet) there.
 */
async function writeConfirmed(
  region: string,
  name: string,
  target: PointerTarget,
  description: string,
  readFirst: boolean,
) {
  // A retry or a redrive reads first: an earlier attempt's write may have taken, and then nothing is written again.
  const before = readFirst ? await readChannelPointer(region, name) : undefined;
  if (before && pointerTook(before, target.value)) return before.version;
  const written = await writeChannelPointer(region, name, target.value, description, target.dataType);
  const took = (read: PointerRead | undefined) => pointerTook(read, target.value, written);
  // An AMI value is validated after PutParameter answered: the first read-back waits; a text value is read at once.
  const atOnce = target.dataType !== 'aws:ec2:image';
  const after = await readChannelPointerUntil(region, name, took, POINTER_READ_BACK_WAITS_MS, atOnce);
  if (after && took(after)) return after.version;
  throw new PointerNotTakenError([{ region, parameter: name, wanted: target.value, holds: after?.value }]);
}

/**
 * Moves a channel's consumer pointer in every distribution region, regions in parallel (as many as the image is
 * distributed to): writes `/goldsmith/<image>/<channel>` (advanced tier) and reads it back until Parameter Store holds
 * it, then makes it readable by the channel's principals through the channel's RAM share in that region, and waits
 * for RAM to confirm. RAM is asked only when the ledger's held share (pointer-shares-held.ts) lacks the parameter or
 * names other principals; what RAM then confirms is held, and the reconciler's daily backstop compares it with RAM.
 * Publish runs after Share, so a pointer never names an image its readers cannot yet launch or pull. The one way a
 * pointer moves: Publish forwards, a rollback or revocation backwards (functions/lifecycle/pointers.ts).
 * `readFirst` false (Publish's first attempt, nothing earlier could have written) skips the read before each write.
 * @throws PointerNotTakenError naming every region whose pointer did not take (the others are moved and shared).
 */
export async function publishPointers(
  item: PointerRequest,
  { readFirst }: { readFirst: boolean } = { readFirst: true },
): Promise<PointerRegionRecord[]> {
  const channel = item.channel.name;
  const name = channelParameterName(item.image, channel);
  const { partition, account } = factoryOf(item.buildVersionArn);
  const { principals } = pointerPrincipals(item.channel.targets, await organizationRef());
  const regions = [...new Set([...item.build.amis, ...item.build.containers].map((x) => x.region))];
  const shareName = pointerShareName(channel);
  const held = principals.length > 0 ? await readHeldPointerShares(regions, shareName) : new Map();
  const settled = await Promise.allSettled(
    regions.map(async (region): Promise<PointerRegionRecord> => {
      const target = await targetFor(item, region);
      const description = `Goldsmith: ${item.image} ${item.version} (${channel})`;
      const parameterVersion = await writeConfirmed(region, name, target, description, readFirst);
      const parameterArn = `arn:${partition}:ssm:${region}:${account}:parameter${name}`;
      const shared =
        principals.length > 0 ? await sharePointer(region, shareName, parameterArn, principals, held) : undefined;
      return {
        region,
        value: target.value,
        parameterArn,
        parameterVersion,
        resourceShareArn: shared?.resourceShareArn,
        principals,
      };
    }),
  );
  const notTaken: NotTaken[] = [];
  const moved: PointerRegionRecord[] = [];
  for (const s of settled) {
    if (s.status === 'fulfilled') moved.push(s.value);
    else if (s.reason instanceof PointerNotTakenError) notTaken.push(...s.reason.regions);
    else throw s.reason;
  }
  if (notTaken.length > 0) throw new PointerNotTakenError(notTaken);
  return moved;
}
