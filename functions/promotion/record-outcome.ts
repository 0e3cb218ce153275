import * as z from 'zod';
import { announce } from '../../aws/notifications/notifications.js';
import { getApproval } from '../../aws/promotion/promotion-approvals.js';
import { loadedBuild } from '../../aws/promotion/promotion-facts.js';
import { recordOutcome } from '../../aws/promotion/promotion-ledger.js';
import { recordPause } from '../../aws/promotion/promotion-pauses.js';
import { isTransient } from '../../core/errors/classify.js';
import { announcement } from '../../core/notifications/announce.js';
import { buildLinks } from '../../core/notifications/links.js';
import { DECISION_ERRORS, decideFailure } from '../../core/promotion/outcome.js';
import { POINTER_NOT_TAKEN, pointerPauseReason } from '../../core/promotion/pointer-taken.js';
import { PreconditionsUnmetError } from '../../core/promotion/preconditions.js';
import { outlastedRetryHorizon, pauseReason } from '../../core/promotion/resume.js';
import type { PromotionOutcome, RegionAmi } from '../../core/promotion/types.js';
import type { LaunchGrant } from '../../core/sharing/grants.js';
import { bundledCatalog } from '../lib/catalog.js';
import { logger } from '../lib/powertools.js';
import { channelsHeld, grantVersionTo } from '../sharing/version-grants.js';
import { taskHandler } from './lambda.js';
import { emitOutcomeMetrics } from './outcome-metrics.js';
import { promotionPlans } from './plans.js';
import { parseTaskInput } from './schemas.js';
import { confirmWithdrawal } from './withdrawal.js';

const failedStateSchema = z.object({
  image: z.string().min(1),
  version: z.string().min(1),
  buildVersionArn: z.string().min(1).optional(),
  /** Inside the channel loop: the channel step; at the top level, absent (then the plan's first channel). */
  channel: z.object({ name: z.string().min(1) }).optional(),
  failure: z.object({ Error: z.string(), Cause: z.string().optional() }),
});

/**
 * RecordOutcome, the end of every failure path: derives the outcome (rejected, expired, aborted) and reason from
 * the caught error, records it once, and announces it — unless the error is transient, which means it outlasted the
 * retry horizon: then the promotion is paused instead (see `pause`), to be resumed. A repeated call (retry) records and announces nothing new.
 * Then the build's AMIs are made launchable by exactly the channels it still holds: a channel that failed after
 * its Share (e.g. Publish found a newer build) takes its grants back, so a rejected, expired or aborted channel's
 * targets never keep the image through it. With nothing to change this only reads (DescribeImageAttribute).
 */
export async function recordFailureOutcome(
  input: unknown,
): Promise<{ outcome: PromotionOutcome | 'paused'; reason: string; channel: string }> {
  const state = parseTaskInput(failedStateSchema, input, 'RecordOutcome');
  const plan = promotionPlans()[state.image];
  if (!plan)
    throw new PreconditionsUnmetError('RecordOutcome', [`image "${state.image}" is not in the bundled catalog`]);
  // At the top level (LoadImage, the loop or Retire failed) the outcome is the plan's first channel's.
  const channel = state.channel?.name ?? plan.channels[0]?.name ?? 'none';
  if (channel !== 'none' && !plan.channels.some((c) => c.name === channel)) {
    throw new PreconditionsUnmetError('RecordOutcome', [`${state.image} has no channel "${channel}" in the catalog`]);
  }
  if (outlastedRetryHorizon(state.failure)) return pause(state, channel);
  const { outcome, reason, by = 'goldsmith' } = await decidedFromLedger(state, channel);
  const at = new Date().toISOString();
  const recorded = await recordOutcome({
    image: state.image,
    version: state.version,
    channel,
    outcome,
    reason,
    by,
    at,
  });
  if (recorded) {
    await emitOutcomeMetrics({ image: state.image, version: state.version, channel, outcome, at });
    const subject = { image: state.image, version: state.version, channel };
    const options = { at, links: buildLinks(state.buildVersionArn) };
    if (state.failure.Error === DECISION_ERRORS.gateRejected) {
      await announce(announcement('gate-failed', subject, { reason, failed: reason.split('; ') }, options));
    } else if (outcome === 'rejected') {
      const approval = await getApproval(state.image, state.version, channel);
      const via = approval?.via;
      await announce(
        announcement(
          'rejected',
          subject,
          { reason, ...(by !== 'goldsmith' ? { by } : {}), ...(via ? { via } : {}), approvalId: approval?.approvalId },
          options,
        ),
      );
    } else if (outcome === 'expired') {
      const approval = await getApproval(state.image, state.version, channel);
      await announce(announcement('expired', subject, { reason, approvalId: approval?.approvalId }, options));
    } else {
      await announce(announcement('aborted', subject, { reason }, options));
    }
  }
  // Inside the channel loop: grants fall back to the channels the build still holds; once EC2 is read back holding
  // no more, a channel that had shared the build records what it withdrew (history tells it).
  if (state.channel) {
    const kept = await regrant(state.image, state.version);
    if (kept)
      await confirmWithdrawal({ ...state, channel }, kept.amis, kept.grants, kept.channels, new Date().toISOString());
  }
  return { outcome, reason, channel };
}

/**
 * The decision a failure stands for. An approver's rejection is taken from the ledger, where the door that checked
 * the approver recorded it (who and why), never from the failure's cause; a rejection the ledger does not record is
 * not one (aborted, saying so).
 */
async function decidedFromLedger(
  state: z.infer<typeof failedStateSchema>,
  channel: string,
): Promise<ReturnType<typeof decideFailure>> {
  const decided = decideFailure(state.failure);
  if (state.failure.Error !== DECISION_ERRORS.approvalRejected) return decided;
  const approval = await getApproval(state.image, state.version, channel);
  if (approval?.decision !== 'reject' || !approval.by) {
    return { outcome: 'aborted', reason: `a rejection of ${channel} the ledger does not record` };
  }
  return { outcome: 'rejected', reason: approval.reason ?? 'no reason given', by: approval.by };
}

/**
 * A transient error outlasted the retry horizon: no outcome is decided. The pause is recorded (with what the
 * reconciler needs to resume it) and announced once; grants fall back to the channels the build holds, as for any
 * stopped channel (unless the outage prevents it: then the resumed execution's Share settles them).
 */
async function pause(
  state: z.infer<typeof failedStateSchema>,
  channel: string,
): Promise<{ outcome: 'paused'; reason: string; channel: string }> {
  if (!state.buildVersionArn) throw new Error('RecordOutcome: a paused promotion needs its buildVersionArn');
  const at = new Date().toISOString();
  const failed = decideFailure(state.failure).reason;
  const reason =
    state.failure.Error === POINTER_NOT_TAKEN
      ? pointerPauseReason(failed, state.image, state.version)
      : pauseReason(failed, bundledCatalog().resilience.retryHorizon);
  const { paused, record } = await recordPause({
    image: state.image,
    version: state.version,
    buildVersionArn: state.buildVersionArn,
    channel,
    error: state.failure.Error,
    reason,
    pausedAt: at,
  });
  if (paused) {
    await announce(
      announcement(
        'paused',
        { image: state.image, version: state.version, channel },
        { reason, error: state.failure.Error },
        { at, key: `pause-${record.resumes}`, links: buildLinks(state.buildVersionArn) },
      ),
    );
  }
  if (state.channel) {
    try {
      await regrant(state.image, state.version);
    } catch (error) {
      // The outage that paused the promotion may be EC2's: the resumed execution's Share settles the grants.
      if (!isTransient(error)) throw error;
      logger.warn('grants of a paused promotion left for its resumption', { image: state.image, error });
    }
  }
  return { outcome: 'paused', reason, channel };
}

/**
 * Makes the build's AMIs, as LoadImage recorded them from Image Builder (never the input's), launchable by exactly
 * the channels the build holds. A build never loaded has no AMIs anyone was granted.
 */
async function regrant(
  image: string,
  version: string,
): Promise<{ amis: RegionAmi[]; grants: readonly LaunchGrant[]; channels: string[] } | undefined> {
  const plan = promotionPlans()[image];
  if (!plan) throw new Error(`RecordOutcome: image "${image}" is not in the bundled catalog`);
  const amis = (await loadedBuild(image, version))?.amis ?? [];
  if (amis.length === 0) return undefined;
  const held = await channelsHeld(image, version);
  const channels = plan.channels.filter((c) => held.has(c.name));
  const { resolved } = await grantVersionTo(amis, channels);
  return { amis, grants: resolved.union.grants, channels: channels.map((c) => c.name) };
}

export const handler = taskHandler('promotion-record-outcome', recordFailureOutcome);
