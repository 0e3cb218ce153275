import * as z from 'zod';
import { type RetentionResult, retireOutOfRetention } from '../lifecycle/retention.js';
import { taskHandler } from './lambda.js';
import { parseTaskInput, retentionSchema } from './schemas.js';

const retireSchema = z.object({
  image: z.string().min(1),
  plan: z.object({
    image: z.string().min(1).optional(),
    retentionKeep: z.number().int().min(1),
    retention: retentionSchema.optional(),
    channels: z.array(z.object({ name: z.string() })),
  }),
});

/**
 * Retire, after the last channel: the versions of this image that just left every pointer and every channel's
 * retention are retired at once (AMIs deprecated in every region, build marked retired, announced). Deleting them
 * later, after `retention.deleteAfter`, is the daily lifecycle sweep's work.
 */
export async function retire(input: unknown): Promise<RetentionResult> {
  const { image, plan } = parseTaskInput(retireSchema, input, 'Retire');
  return retireOutOfRetention({ plan: { ...plan, image }, now: new Date() });
}

export const handler = taskHandler('promotion-retire', retire);
