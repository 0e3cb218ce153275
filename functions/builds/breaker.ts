import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { buildOutcomes, markBreakerAnnounced, readBreaker, tripBreaker } from '../../aws/builds/build-breaker.js';
import { announce } from '../../aws/notifications/notifications.js';
import { announcement } from '../../core/notifications/announce.js';
import { metricNames } from '../../core/observability/metrics.js';
import { type BreakerState, decideBreaker } from '../../core/triggers/breaker.js';
import { bundledCatalog } from '../lib/catalog.js';
import { logger, metrics } from '../lib/powertools.js';

/** The command that resumes an image's paused builds, as announcements and refusals name it. */
export const resumeCommandFor = (image: string): string => `goldsmith resume ${image} --builds`;

/** Announces a trip once: the id derives from the image and the build that tripped it, then the trip is marked. */
async function announceTrip(image: string, breaker: BreakerState, at: string): Promise<void> {
  await announce(
    announcement(
      'builds-paused',
      { image },
      { failedBuilds: breaker.failedBuilds, resume: resumeCommandFor(image) },
      { at: breaker.trippedAt, key: breaker.trippedBy },
    ),
  );
  await markBreakerAnnounced(image, breaker.trippedBy, at);
}

/**
 * After a build of `image` FAILED (and its status is in the ledger): counts the image's failed builds in a row from
 * the ledger, in build order, and trips the breaker at the catalog's `resilience.pauseBuildsAfterFailures` with a
 * conditional write (two deliveries of the failure trip it once; only the winner counts the metric), then announces
 * the trip if nobody has yet (a crash between the trip and its announcement is finished by the next delivery or the
 * reconciler). Returns the breaker in force afterwards.
 */
export async function weighFailedBuild(image: string, at: string): Promise<BreakerState | undefined> {
  const threshold = bundledCatalog().resilience.pauseBuildsAfterFailures;
  const [builds, current] = await Promise.all([buildOutcomes(image), readBreaker(image)]);
  const decision = decideBreaker(builds, threshold, current);
  let breaker = current;
  if (decision.trip) {
    if (await tripBreaker(image, { ...decision, threshold }, at)) {
      metrics.addMetric(metricNames.buildsPaused, MetricUnit.Count, 1);
      logger.warn('builds paused', { image, trippedBy: decision.trippedBy, failedBuilds: decision.failedBuilds });
    }
    breaker = await readBreaker(image);
  } else {
    logger.info('build breaker holds', { image, failures: decision.failures, reason: decision.reason });
  }
  if (breaker?.state === 'tripped' && breaker.announcedAt === undefined) await announceTrip(image, breaker, at);
  return breaker;
}
