import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { RolloutRefusedError } from '../../core/rollout/facts.js';
import { logger, metrics } from '../lib/powertools.js';
import { taskHandler } from '../promotion/lambda.js';
import { type AdvanceResult, advanceRollout } from './advance.js';
import { parseRolloutInput } from './input.js';
import { tellRollout } from './tell.js';

/**
 * StartWave, the Rollout state machine's first task: creates the rollout's ledger record and starts its first wave's
 * refreshes (or, retried, finds them). Later waves start from CheckWave once the wave before is healthy.
 * A rollout the ledger refuses (not the version the channel's pointer holds now, revoked, not published:
 * core/rollout/facts.ts) is logged and counted (`RolloutsRefused`) once, and fails its execution with the reason:
 * the state machine never retries RolloutRefused, and nothing was started or written.
 */
export async function startRollout(input: unknown): Promise<AdvanceResult> {
  try {
    return await advanceRollout(parseRolloutInput(input), { tell: tellRollout });
  } catch (error) {
    if (error instanceof RolloutRefusedError) {
      logger.error('rollout refused', { reason: error.message });
      metrics.addMetric('RolloutsRefused', MetricUnit.Count, 1);
    }
    throw error;
  }
}

export const handler = taskHandler('rollout-start-wave', startRollout);
