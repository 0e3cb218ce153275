import { taskHandler } from '../promotion/lambda.js';
import { type AdvanceResult, advanceRollout, parseRolloutInput } from './advance.js';
import { tellRollout } from './tell.js';

/**
 * StartWave, the Rollout state machine's first task: creates the rollout's ledger record and starts its first wave's
 * refreshes (or, retried, finds them). Later waves start from CheckWave once the wave before is healthy.
 */
export async function startRollout(input: unknown): Promise<AdvanceResult> {
  return advanceRollout(parseRolloutInput(input), { tell: tellRollout });
}

export const handler = taskHandler('rollout-start-wave', startRollout);
