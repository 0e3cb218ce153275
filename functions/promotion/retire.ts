import * as z from 'zod';
import { PreconditionsUnmetError } from '../../core/promotion/preconditions.js';
import { type RetentionResult, retireOutOfRetention } from '../lifecycle/retention.js';
import { taskHandler } from './lambda.js';
import { promotionPlans } from './plans.js';
import { parseTaskInput } from './schemas.js';

const retireSchema = z.object({ image: z.string().min(1) });

/**
 * Retire, after the last channel: the versions of this image that just left every pointer and every channel's
 * retention are retired at once (AMIs deprecated in every region, build marked retired, announced). Deleting them
 * later, after `retention.deleteAfter`, is the daily lifecycle sweep's work. The retention is the catalog's, never
 * the input's: the input only names the image.
 */
export async function retire(input: unknown): Promise<RetentionResult> {
  const { image } = parseTaskInput(retireSchema, input, 'Retire');
  const plan = promotionPlans()[image];
  if (!plan) throw new PreconditionsUnmetError('Retire', [`image "${image}" is not in the bundled catalog`]);
  return retireOutOfRetention({ plan, now: new Date() });
}

export const handler = taskHandler('promotion-retire', retire);
