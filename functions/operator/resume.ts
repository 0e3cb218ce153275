import { getPause } from '../../aws/promotion/promotion-pauses.js';
import type { OperatorRequestOf } from '../../events/operator-request.js';
import { resumePromotion } from '../reconcile-pauses.js';
import { Refusal } from './refusal.js';

/** Resumes a promotion paused at the end of its retry horizon, as the reconciler would (without its limit). */
export async function resume(request: OperatorRequestOf<'resume'>, caller: string, at: Date) {
  const paused = await getPause(request.image, request.version);
  if (!paused) throw new Refusal(404, `the promotion of ${request.image} ${request.version} never paused`);
  if (paused.status !== 'paused') {
    throw new Refusal(409, `the promotion of ${request.image} ${request.version} was resumed already`);
  }
  if (!(await resumePromotion(paused, caller, at, request.reason))) {
    throw new Refusal(409, `the promotion of ${request.image} ${request.version} was resumed already`);
  }
  return {
    image: request.image,
    version: request.version,
    channel: paused.channel,
    resumes: paused.resumes + 1,
    by: caller,
    reason: request.reason,
  };
}
