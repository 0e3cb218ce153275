import * as z from 'zod';
import { announce } from '../../aws/notifications/notifications.js';
import { getAttemptRecord } from '../../aws/promotion/attempt-record.js';
import { moveChannelPointer, stampRecordedMove } from '../../aws/promotion/channel-pointers.js';
import { ExecutionSquattedError, startOwnExecution } from '../../aws/promotion/own-execution.js';
import { recordPointerMove } from '../../aws/promotion/pointer-history.js';
import { putEvent, tagAmis } from '../../aws/promotion/promotion-images.js';
import { getOutcome, recordOutcome } from '../../aws/promotion/promotion-ledger.js';
import { GoldsmithError } from '../../core/errors.js';
import { channelParameterName, NAME_PREFIX } from '../../core/names.js';
import { announcement } from '../../core/notifications/announce.js';
import { buildLinks } from '../../core/notifications/links.js';
import { PreconditionsUnmetError, unmetToPromote } from '../../core/promotion/preconditions.js';
import { rolloutExecutionName } from '../../core/rollout/request.js';
import type { ImagePromotedDetail } from '../../events/image-promoted.js';
import { DETAIL_TYPES, GOLDSMITH_SOURCE } from '../../events/sources.js';
import { bundledCatalog } from '../lib/catalog.js';
import { logger } from '../lib/powertools.js';
import { stopIfHeldBeforePublish } from './held.js';
import { taskHandler } from './lambda.js';
import { emitOutcomeMetrics } from './outcome-metrics.js';
import { publishPointers } from './pointers.js';
import { firstAttempt, publishPayload } from './schemas.js';
import { trustedChannel } from './trusted.js';

/** A newer build already holds the channel: this one must not move the pointer back. */
export class SupersededError extends GoldsmithError {
  constructor(message: string) {
    super(message);
    this.name = 'Superseded';
  }
}

/** The Share step's result (`$.share`), when it counted the targets it reached. */
const sharedSchema = z.object({
  share: z.object({
    targets: z.object({ ous: z.number().int().nonnegative(), accounts: z.number().int().nonnegative() }),
  }),
});

/**
 * Publish acts only on what the catalog and the ledger say (trusted.ts), and only once Share's preconditions hold
 * (core/promotion/preconditions.ts): the approval it names is the one the ledger records. A build made on a revoked
 * parent stops before the pointer moves (held.ts), whenever the flag was written.
 *
 * Publish: moves the `CHANNEL#` pointer (conditionally, never backwards), writes the SSM pointer in every
 * distribution region and shares it through RAM (container images: moves the channel tag to the digest first),
 * records the move in the pointer history (and stamps it on the `CHANNEL#` item), tags the AMIs, records `promoted`,
 * and puts "Image Promoted" on Goldsmith's bus (children's cascade). Every step tolerates a retry: a re-run finds its
 * own writes and repeats only what is idempotent.
 */
export async function publish(payload: unknown): Promise<ImagePromotedDetail> {
  const busName = process.env.EVENT_BUS_NAME;
  if (!busName) throw new Error('EVENT_BUS_NAME is not set');
  const { state: input, attempt } = publishPayload(payload);
  const { item, facts } = await trustedChannel(input, 'Publish');
  const unmet = unmetToPromote(facts, item);
  if (unmet.length > 0) throw new PreconditionsUnmetError('Publish', unmet);
  // A flag written after Gate or after the approval: a held version is not published (held.ts).
  await stopIfHeldBeforePublish(item, facts);
  const channel = item.channel.name;
  // The approval the ledger records (asked for in this execution, or before the pause of a resumed one).
  const approval = item.approval;
  const at = new Date().toISOString();
  const moved = await moveChannelPointer({
    image: item.image,
    channel,
    version: item.version,
    buildVersionArn: item.buildVersionArn,
    amis: item.build.amis,
    at,
  });
  if (!moved) throw new SupersededError(`a newer build than ${item.version} already holds ${item.image}/${channel}`);

  // A first attempt has nothing of its own to find: it writes without reading first (pointers.ts).
  const regions = await publishPointers(item, { readFirst: !firstAttempt(attempt) });
  await recordPointerMove({ image: item.image, channel, version: item.version, at, regions });
  // The record, and where a drift of the pointer is open, stamped on the item moved: the audit's read-back of each
  // Region's Parameter Store Change (these writes' own included) reads that item alone.
  await stampRecordedMove({ image: item.image, channel, version: item.version, at });
  await tagAmis(item.build.amis, { [`${NAME_PREFIX}:channel:${channel}`]: 'promoted' });

  const recorded = await recordOutcome({
    image: item.image,
    version: item.version,
    channel,
    outcome: 'promoted',
    reason: approval ? `passed every gate; approved by ${approval.by}` : 'passed every gate',
    by: approval?.by ?? 'goldsmith',
    at,
    amis: item.build.amis,
  });
  // On a retry the first attempt's time stands, so the event and the ledger agree.
  const promotedAt = recorded ? at : ((await getOutcome(item.image, item.version, channel))?.at ?? at);
  const detail: ImagePromotedDetail = {
    image: item.image,
    version: item.version,
    buildVersionArn: item.buildVersionArn,
    channel,
    amis: item.build.amis,
    ...(item.build.containers.length > 0
      ? { containers: regions.map((r) => ({ region: r.region, imageUri: r.value })) }
      : {}),
    promotedAt,
  };
  await putEvent(busName, GOLDSMITH_SOURCE, DETAIL_TYPES.imagePromoted, detail);
  // The pointer moved and was read back (publishPointers): the channel's member groups follow, wave by wave.
  await startRolloutOf(item.image, channel, item.version, item.build.amis.length > 0, promotedAt);
  if (recorded) {
    await emitOutcomeMetrics({ image: item.image, version: item.version, channel, outcome: 'promoted', at });
    const shared = sharedSchema.safeParse(input);
    await announce(
      announcement(
        'promoted',
        { image: item.image, version: item.version, channel },
        {
          amis: item.build.amis,
          pointer: channelParameterName(item.image, channel),
          ...(shared.success ? { targets: shared.data.share.targets } : {}),
          ...(approval ? { by: approval.by } : {}),
        },
        { at: promotedAt, links: buildLinks(item.buildVersionArn) },
      ),
    );
  }
  return detail;
}

/**
 * Starts the Rollout execution of a version to a channel that rolls out (`channels[i].rollout`), named after the
 * three and the version's promotion attempt, so a retried Publish finds ExecutionAlreadyExists and takes it as its own — but only an execution with the
 * input it would give, started no earlier than this promotion recorded its time (`promotedAt`, the first attempt's,
 * taken before the pointer moved): an execution of that name started before was started by someone else, who could
 * stop it (a squatted name, aws/promotion/own-execution.ts). Such a name is not taken: the rollout does not run, and the
 * promotion stands (the pointer moved and was read back); it is announced once (`rollout-stopped`, with the
 * squatter's status) for an operator to look at the execution's history.
 */
async function startRolloutOf(image: string, channel: string, version: string, hasAmis: boolean, promotedAt: string) {
  const spec = bundledCatalog().channels.find((c) => c.name === channel);
  if (!spec?.rollout || !hasAmis) return;
  const arn = process.env.ROLLOUT_STATE_MACHINE_ARN;
  if (!arn) throw new Error(`ROLLOUT_STATE_MACHINE_ARN is not set, but channel ${channel} rolls out`);
  // Only what the rollout is: its tasks read the AMIs, and the attempt, from the ledger (functions/rollout/advance.ts).
  const input = { image, channel, version };
  // A later promotion attempt of the version (restored, promoted through its gates again) rolls out under a name of
  // its own: the first attempt's execution holds the first name.
  const attempt = (await getAttemptRecord(image, version))?.attempt;
  const name = rolloutExecutionName(image, channel, version, 0, attempt);
  try {
    await startOwnExecution(arn, name, input, { notBefore: promotedAt });
  } catch (error) {
    if (!(error instanceof ExecutionSquattedError)) throw error;
    logger.error('rollout execution squatted', { reason: error.message });
    const first = spec.rollout.waves[0];
    const detail = {
      wave: first?.name ?? '',
      waveNumber: 1,
      waves: spec.rollout.waves.length,
      reason: `not started: ${error.message}`,
      execution: error.status,
    };
    await announce(announcement('rollout-stopped', input, detail, { at: promotedAt, key: `rollout-squatted:${name}` }));
  }
}

export const handler = taskHandler('promotion-publish', publish);
