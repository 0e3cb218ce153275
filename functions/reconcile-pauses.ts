import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { OpenWork } from '../aws/ledger/open-work.js';
import { announce } from '../aws/notifications/notifications.js';
import { discardUnansweredApproval, markResumed, pausedPromotions } from '../aws/promotion/promotion-pauses.js';
import { startNamedExecution } from '../aws/promotion/stepfunctions.js';
import { isTransient } from '../core/errors/classify.js';
import { announcement } from '../core/notifications/announce.js';
import { buildLinks } from '../core/notifications/links.js';
import { resumedExecutionNameFor } from '../core/promotion/naming.js';
import { automaticResume, type PausedPromotion } from '../core/promotion/resume.js';
import type { PromotionInput } from '../core/promotion/types.js';
import { logger, metrics } from './lib/powertools.js';
import { promotionPlans } from './promotion/plans.js';

/** What resuming paused promotions did in one reconciler run. */
export interface ResumesReport {
  /** `image version channel` of each promotion resumed now. */
  resumed: string[];
  /** Paused promotions whose next automatic resumption is not due yet (core/promotion/resume.ts backoff), with when. */
  waiting: string[];
  failures: string[];
  /** How many of `failures` were not transient (a retry alone will not cure them). */
  permanentFailures?: number;
}

/**
 * Resumes one paused promotion: a new execution of the same build (named `…-r<n>`, so a repeated call starts it
 * once), whose Gate passes the channels already decided and carries over an approval already given; the unanswered
 * approval request of the paused channel, if any, is forgotten so the new execution can ask again. Then the pause is
 * marked resumed (conditionally: one count per resumption) and announced.
 * @returns false when another resumer (the reconciler, an operator) counted this resumption first.
 */
export async function resumePromotion(
  paused: PausedPromotion,
  by: string,
  now: Date,
  reason?: string,
): Promise<boolean> {
  const { image, version, buildVersionArn, channel } = paused;
  const plan = promotionPlans()[image];
  if (!plan) throw new Error(`${image} is not in the bundled catalog: its paused promotion cannot be resumed`);
  const stateMachineArn = process.env.STATE_MACHINE_ARN;
  if (!stateMachineArn) throw new Error('STATE_MACHINE_ARN is not set');
  const n = paused.resumes + 1;
  await discardUnansweredApproval(image, version, channel);
  const input: PromotionInput = { image, buildVersionArn, version, plan };
  await startNamedExecution(stateMachineArn, resumedExecutionNameFor(buildVersionArn, n), input);
  const at = now.toISOString();
  if (!(await markResumed(image, version, n, by, at, reason))) return false;
  await announce(
    announcement(
      'resumed',
      { image, version, channel },
      { by, resumes: n },
      { at, key: `resume-${n}`, links: buildLinks(buildVersionArn) },
    ),
  );
  return true;
}

/**
 * Resumes every promotion a transient error paused at the end of its retry horizon once its backoff since the pause
 * has passed (core/promotion/resume.ts `resumeDelayMs`: the next run, then 6, 12, 24 hours, then daily), however
 * many times it paused before: an outage of any length ends with the promotion finished, no operator needed.
 * Resuming while the outage goes on is harmless: the new execution waits it out again, and the next waits longer.
 */
export async function resumePausedPromotions(
  images: readonly string[],
  now: Date,
  /** What the run's read of the open-work index found (aws/ledger/open-work.ts), or nothing: a Query of its own. */
  read?: OpenWork,
): Promise<ResumesReport> {
  const report: ResumesReport = { resumed: [], waiting: [], failures: [] };
  const catalog = new Set(images);
  for (const paused of await pausedPromotions(read)) {
    const { image } = paused;
    // An image no longer in the catalog cannot be resumed (resumePromotion needs its plan): left as it is.
    if (!catalog.has(image)) continue;
    const what = `${image} ${paused.version} ${paused.channel}`;
    const verdict = automaticResume(paused, now);
    if (!verdict.resume) {
      report.waiting.push(`${what}: ${verdict.reason}`);
      continue;
    }
    try {
      if (await resumePromotion(paused, 'goldsmith', now)) report.resumed.push(what);
    } catch (error) {
      report.failures.push(`${what}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      if (!isTransient(error)) report.permanentFailures = (report.permanentFailures ?? 0) + 1;
    }
  }
  if (report.resumed.length > 0) {
    metrics.addMetric('PromotionsResumed', MetricUnit.Count, report.resumed.length);
    logger.warn('resumed paused promotions', { resumed: report.resumed });
  }
  if (report.waiting.length > 0)
    logger.warn('paused promotions wait for their next resumption', { paused: report.waiting });
  return report;
}
