import { z } from 'zod';
import { recordOutcome } from '../../aws/promotion-ledger.js';
import { publishNotification } from '../../aws/sns.js';
import { outcomeMessage } from '../../core/promotion/messages.js';
import { decideFailure } from '../../core/promotion/outcome.js';
import type { PromotionOutcome } from '../../core/promotion/types.js';
import { taskHandler } from './lambda.js';
import { parseTaskInput } from './schemas.js';

const failedStateSchema = z.object({
  image: z.string().min(1),
  version: z.string().min(1),
  /** Inside the channel loop: the channel step; at the top level, absent (then the plan's first channel). */
  channel: z.object({ name: z.string().min(1) }).optional(),
  plan: z.object({ channels: z.array(z.object({ name: z.string() })) }).optional(),
  failure: z.object({ Error: z.string(), Cause: z.string().optional() }),
});

/**
 * RecordOutcome, the end of every failure path: derives the outcome (rejected, expired, aborted) and reason from
 * the caught error, records it once, and announces it. A repeated call (retry) records and announces nothing new.
 */
export async function recordFailureOutcome(
  input: unknown,
): Promise<{ outcome: PromotionOutcome; reason: string; channel: string }> {
  const state = parseTaskInput(failedStateSchema, input, 'RecordOutcome');
  const channel = state.channel?.name ?? state.plan?.channels[0]?.name ?? 'none';
  const { outcome, reason, by = 'goldsmith' } = decideFailure(state.failure);
  const recorded = await recordOutcome({
    image: state.image,
    version: state.version,
    channel,
    outcome,
    reason,
    by,
    at: new Date().toISOString(),
  });
  if (recorded)
    await publishNotification(outcomeMessage({ image: state.image, version: state.version, channel, outcome, reason }));
  return { outcome, reason, channel };
}

export const handler = taskHandler('promotion-record-outcome', recordFailureOutcome);
