import * as z from 'zod';
import { recordSoak } from '../../aws/promotion-soaks.js';
import { taskHandler } from './lambda.js';
import { parseTaskInput } from './schemas.js';

/** The Soak state's payload (stacks/promotion/definition.ts): the task token and what soaks for how long. */
export const soakStartSchema = z.object({
  taskToken: z.string().min(1),
  image: z.string().min(1),
  version: z.string().min(1),
  channel: z.string().min(1),
  soakSeconds: z.number().int().positive(),
});

/**
 * The Soak state (a task-token wait whose TimeoutSecondsPath is the channel's soak): records the soak and its token
 * in the ledger, then returns; the state waits. The timeout is the soak elapsing (`States.Timeout`, caught into
 * SoakCheck); an operator's `promote` answers the token instead (SendTaskSuccess), ending it early. Either way
 * SoakCheck and every later step still run: ending a soak never passes a gate.
 */
export async function startSoak(input: unknown): Promise<{ soakingUntil: string }> {
  const { taskToken, image, version, channel, soakSeconds } = parseTaskInput(soakStartSchema, input, 'Soak');
  const now = new Date();
  const until = new Date(now.getTime() + soakSeconds * 1000).toISOString();
  await recordSoak({ image, version, channel, taskToken, startedAt: now.toISOString(), until });
  return { soakingUntil: until };
}

export const handler = taskHandler('promotion-soak-start', startSoak);
