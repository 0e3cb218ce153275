import { deleteChannelParameter } from '../../aws/lifecycle/image-lifecycle.js';
import {
  recordRollback,
  rollBackChannelPointer,
  withdrawChannelPointer,
} from '../../aws/lifecycle/lifecycle-ledger.js';
import { type ChannelPointer, getChannelPointer } from '../../aws/promotion/channel-pointers.js';
import {
  deleteRepositoryPolicy,
  parseImageUri,
  readRepositoryPolicy,
  writeRepositoryPolicy,
} from '../../aws/promotion/ecr.js';
import { describeBuild } from '../../aws/promotion/promotion-images.js';
import { forgetPointerShareResource } from '../../aws/sharing/pointer-shares-held.js';
import { unsharePointer } from '../../aws/sharing/ram.js';
import { amisOf } from '../../core/lifecycle/history.js';
import { channelParameterName, pointerShareName } from '../../core/names.js';
import { withChannelStatements } from '../../core/promotion/consumer-access.js';
import type { RegionAmi } from '../../core/promotion/types.js';
import type { TargetSpec } from '../../core/sharing/targets.js';
import { containersOf } from '../promotion/containers.js';
import { factoryOf, publishPointers } from '../promotion/pointers.js';
import type { ImageState } from './ledger-view.js';

/** What one build left: AMIs per region, or container images per region (by build tag). */
export interface BuildOutputs {
  amis: RegionAmi[];
  containers: { region: string; imageUri: string }[];
}

/**
 * A build's outputs: its AMIs from the ledger's promotion records when it has them, else from Image Builder (a
 * container build records no AMIs; a build never promoted records nothing). A build Image Builder no longer knows
 * left nothing to act on.
 */
export async function buildOutputs(state: ImageState, version: string): Promise<BuildOutputs> {
  const recorded = amisOf(state.view, version);
  if (recorded && recorded.length > 0) return { amis: recorded, containers: [] };
  const arn = state.builds.find((b) => b.version === version)?.buildVersionArn;
  if (!arn) return { amis: [], containers: [] };
  try {
    const facts = await describeBuild(arn);
    return { amis: facts.amis, containers: containersOf(facts) };
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') return { amis: [], containers: [] };
    throw err;
  }
}

/**
 * Moves a channel from `from` to `to` (back, or for an operator's roll-forward to a newer version): the ledger pointer first (conditional on still naming `from`), then the
 * consumer pointers in every region through the same path as Publish (SSM parameter, RAM share, for containers the
 * channel tag moved back by manifest), then the audit record. A retry after the ledger moved finds the pointer on
 * `to` and rewrites the same values.
 * @returns false when the pointer names neither `from` nor `to` any more (a newer promotion moved it on).
 */
export async function movePointerBack(input: {
  state: ImageState;
  image: string;
  channel: string;
  targets: TargetSpec;
  from: string;
  to: string;
  reason: string;
  by: string;
  at: string;
  /** An operator's rollback, and which way it goes (to a newer version: a rollback taken back, rolled forward). */
  operator?: 'back' | 'forward';
}): Promise<boolean> {
  const { state, image, channel, from, to } = input;
  const outputs = await buildOutputs(state, to);
  const buildVersionArn = state.builds.find((b) => b.version === to)?.buildVersionArn ?? '';
  const pointer: ChannelPointer = { image, channel, version: to, buildVersionArn, amis: outputs.amis, at: input.at };
  if (!(await rollBackChannelPointer(from, pointer))) {
    const now = await getChannelPointer(image, channel);
    if (now?.version !== to) return false;
  }
  await publishPointers({
    image,
    version: to,
    buildVersionArn,
    build: outputs,
    channel: { name: channel, targets: input.targets },
  });
  const operator = input.operator && { operator: input.operator };
  await recordRollback({ image, channel, from, to, reason: input.reason, by: input.by, at: input.at, ...operator });
  return true;
}

/**
 * Withdraws a channel's pointer that names `from` (no launchable version is left to point at): the ledger pointer,
 * then in every region the parameter taken out of the channel's RAM share and deleted, and for a container image the
 * channel's pull statements taken out of the repository policy (the same statements Share writes); recorded.
 */
export async function withdrawPointer(input: {
  state: ImageState;
  image: string;
  channel: string;
  from: string;
  reason: string;
  by: string;
  at: string;
}): Promise<void> {
  const { image, channel, from } = input;
  const outputs = await buildOutputs(input.state, from);
  // Every region the pointer or the build names: a parameter left behind would still resolve.
  const regions = [
    ...new Set(
      [...(input.state.pointers[channel]?.amis ?? []), ...outputs.amis, ...outputs.containers].map((x) => x.region),
    ),
  ];
  await withdrawChannelPointer(image, channel, from);
  const parameter = channelParameterName(image, channel);
  const arn = input.state.builds.find((b) => b.version === from)?.buildVersionArn;
  const factory = arn ? factoryOf(arn) : undefined;
  for (const region of regions) {
    if (factory) {
      const resourceArn = `arn:${factory.partition}:ssm:${region}:${factory.account}:parameter${parameter}`;
      // Forgotten first: a crash in between leaves the ledger saying less than RAM holds, never more.
      await forgetPointerShareResource(region, pointerShareName(channel), resourceArn);
      await unsharePointer({ region, name: pointerShareName(channel), resourceArn });
    }
    await deleteChannelParameter(region, parameter);
  }
  for (const c of outputs.containers) {
    const ref = parseImageUri(c.imageUri);
    if (!ref) continue;
    const next = withChannelStatements(await readRepositoryPolicy(ref), channel, []);
    if (next?.Statement.length === 0) await deleteRepositoryPolicy(ref);
    else if (next) await writeRepositoryPolicy(ref, next);
  }
  await recordRollback({ image, channel, from, to: null, reason: input.reason, by: input.by, at: input.at });
}
