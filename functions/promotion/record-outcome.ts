import * as z from 'zod';
import { announce } from '../../aws/notifications.js';
import { getApproval } from '../../aws/promotion-approvals.js';
import { recordOutcome } from '../../aws/promotion-ledger.js';
import { recordPause } from '../../aws/promotion-pauses.js';
import { isTransient } from '../../core/errors/classify.js';
import { announcement } from '../../core/notifications/announce.js';
import { buildLinks } from '../../core/notifications/links.js';
import { DECISION_ERRORS, decideFailure } from '../../core/promotion/outcome.js';
import { outlastedRetryHorizon, pauseReason } from '../../core/promotion/resume.js';
import type { PromotionOutcome } from '../../core/promotion/types.js';
import { bundledCatalog } from '../lib/catalog.js';
import { logger } from '../lib/powertools.js';
import { channelsHeld, grantVersionTo } from '../sharing/version-grants.js';
import { taskHandler } from './lambda.js';
import { emitOutcomeMetrics } from './outcome-metrics.js';
import { promotionPlans } from './plans.js';
import { buildSchema, parseTaskInput } from './schemas.js';

const failedStateSchema = z.object({
  image: z.string().min(1),
  version: z.string().min(1),
  buildVersionArn: z.string().min(1).optional(),
  /** Inside the channel loop: the channel step; at the top level, absent (then the plan's first channel). */
  channel: z.object({ name: z.string().min(1) }).optional(),
  plan: z.object({ channels: z.array(z.object({ name: z.string() })) }).optional(),
  /** Inside the channel loop: the build's AMIs, whose grants must fall back to the channels still held. */
  build: buildSchema.optional(),
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
  const channel = state.channel?.name ?? state.plan?.channels[0]?.name ?? 'none';
  if (outlastedRetryHorizon(state.failure)) return pause(state, channel);
  const { outcome, reason, by = 'goldsmith' } = decideFailure(state.failure);
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
  if (state.build && state.build.amis.length > 0) await regrant(state.image, state.version, state.build.amis);
  return { outcome, reason, channel };
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
  const reason = pauseReason(decideFailure(state.failure).reason, bundledCatalog().resilience.retryHorizon);
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
  if (state.build && state.build.amis.length > 0) {
    try {
      await regrant(state.image, state.version, state.build.amis);
    } catch (error) {
      // The outage that paused the promotion may be EC2's: the resumed execution's Share settles the grants.
      if (!isTransient(error)) throw error;
      logger.warn('grants of a paused promotion left for its resumption', { image: state.image, error });
    }
  }
  return { outcome: 'paused', reason, channel };
}

async function regrant(image: string, version: string, amis: { region: string; imageId: string }[]): Promise<void> {
  const plan = promotionPlans()[image];
  if (!plan) throw new Error(`RecordOutcome: image "${image}" is not in the bundled catalog`);
  const held = await channelsHeld(image, version);
  await grantVersionTo(
    amis,
    plan.channels.filter((c) => held.has(c.name)),
  );
}

export const handler = taskHandler('promotion-record-outcome', recordFailureOutcome);
