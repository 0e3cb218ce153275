import * as z from 'zod';
import { readChannelFacts } from '../../aws/promotion/promotion-facts.js';
import { recordSoak, soakKey } from '../../aws/promotion/promotion-soaks.js';
import { sealedToken } from '../../aws/promotion/task-tokens.js';
import { PreconditionsUnmetError } from '../../core/promotion/preconditions.js';
import { taskHandler } from './lambda.js';
import { parseTaskInput } from './schemas.js';
import { catalogChannel } from './trusted.js';

/** The Soak state's payload (stacks/promotion/soak.ts): the task token, and which build soaks in which channel. */
export const soakStartSchema = z.object({
  taskToken: z.string().min(1),
  image: z.string().min(1),
  version: z.string().min(1),
  channel: z.string().min(1),
});

/**
 * The Soak state (a task-token wait whose timeout is the channel's soak): records the soak and its token in the
 * ledger, then returns; the state waits. The timeout is the soak elapsing (`States.Timeout`, caught into SoakCheck);
 * an operator's `promote` answers the token instead (SendTaskSuccess), ending it early. Either way SoakCheck and every
 * later step still run: ending a soak never passes a gate. The soak's length is the catalog's, and a build Gate has
 * not passed into the channel, or one the channel's approver has not approved, does not start one (trusted.ts).
 */
export async function startSoak(input: unknown): Promise<{ soakingUntil: string }> {
  const { taskToken, image, version, channel: name } = parseTaskInput(soakStartSchema, input, 'Soak');
  const { channel } = catalogChannel(image, name, 'Soak');
  if (!channel.soakSeconds) throw new PreconditionsUnmetError('Soak', [`the catalog asks no soak for ${name}`]);
  const facts = await readChannelFacts(image, version, channel.name, channel.after);
  if (!facts.gate) throw new PreconditionsUnmetError('Soak', [`Gate has not passed ${version} into ${name}`]);
  // Gate, then the approval, then the soak: a soak started before the approver decided would let it end unseen.
  if (channel.approval && facts.approval?.decision !== 'approve') {
    throw new PreconditionsUnmetError('Soak', [`no approver has approved ${version} for ${name}`]);
  }
  const now = new Date();
  const until = new Date(now.getTime() + channel.soakSeconds * 1000).toISOString();
  // Sealed: a reader of the ledger holding states:SendTaskSuccess cannot end the soak with it.
  const sealed = await sealedToken(taskToken, soakKey(image, version, name), now);
  await recordSoak({ image, version, channel: name, taskToken: sealed, startedAt: now.toISOString(), until });
  return { soakingUntil: until };
}

export const handler = taskHandler('promotion-soak-start', startSoak);
