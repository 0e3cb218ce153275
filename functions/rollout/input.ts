import * as z from 'zod';
import { MalformedEventError } from '../../core/errors.js';

/**
 * The Rollout state machine's input, and every task's: which version of which image rolls out to which channel, and
 * nothing else (any other field is refused). The AMIs come from the ledger (readRolloutFacts), never from the input.
 * Each task is also given its execution's name (`executionName`, the context object's `$$.Execution.Name`:
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html); a task of an execution of
 * the previous release has none (a running execution keeps its definition).
 */
export const rolloutInputSchema = z.strictObject({
  image: z.string().min(1),
  channel: z.string().min(1),
  version: z.string().min(1),
  executionName: z.string().min(1).optional(),
});
export type RolloutInput = z.infer<typeof rolloutInputSchema>;

export function parseRolloutInput(raw: unknown): RolloutInput {
  const parsed = rolloutInputSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new MalformedEventError(`rollout input ${first?.path.join('.') || 'input'}: ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
