import { readBreaker, resumeBreaker } from '../../aws/builds/build-breaker.js';
import type { OperatorRequestOf } from '../../events/operator-request.js';
import { Refusal } from './refusal.js';

/**
 * Resumes an image's builds after its build circuit breaker paused them: the trip in force becomes resumed (kept in
 * the ledger with who and why), and failures count again from the next build. Refused, changing nothing, when the
 * image's builds are not paused.
 */
export async function resumeBuilds(request: OperatorRequestOf<'resume-builds'>, caller: string, at: Date) {
  const { image } = request;
  const breaker = await readBreaker(image);
  if (breaker?.state !== 'tripped') {
    const last = breaker?.resumedAt ? ` (last resumed ${breaker.resumedAt} by ${breaker.resumedBy})` : '';
    throw new Refusal(409, `the builds of ${image} are not paused: nothing to resume${last}`);
  }
  const resumed = await resumeBreaker(image, breaker, { by: caller, reason: request.reason, at: at.toISOString() });
  if (!resumed) throw new Refusal(409, `the builds of ${image} were resumed already`);
  return {
    image,
    pausedAt: breaker.trippedAt,
    failedBuilds: breaker.failedBuilds,
    resumedBy: caller,
    ...(request.reason ? { reason: request.reason } : {}),
  };
}
