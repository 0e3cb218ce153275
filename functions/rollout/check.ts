import { taskHandler } from '../promotion/lambda.js';
import { type AdvanceResult, advanceRollout } from './advance.js';
import { parseRolloutInput } from './input.js';
import { tellRollout } from './tell.js';

/**
 * CheckWave, run after each poll wait: reads the wave's refreshes and the ledger's state (paused, aborted,
 * superseded), and moves the rollout on: the next wave once this one is healthy, a halt with rollback when one failed.
 * `done` ends the state machine.
 */
export async function checkWave(input: unknown): Promise<AdvanceResult> {
  return advanceRollout(parseRolloutInput(input), { tell: tellRollout });
}

export const handler = taskHandler('rollout-check-wave', checkWave);
