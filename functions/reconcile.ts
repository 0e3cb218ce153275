import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { buildHandlings, buildKey, OPEN_BUILDS, recordReconciliation } from '../aws/builds/build-handling.js';
import { PENDING_INTENTS } from '../aws/builds/intents.js';
import { type OpenWorkRequest, readOpenWork } from '../aws/ledger/open-work.js';
import { redeliverAnnouncements } from '../aws/notifications/notifications.js';
import { UNDELIVERED_DECISIONS } from '../aws/promotion/promotion-approvals.js';
import { PAUSED_PROMOTIONS } from '../aws/promotion/promotion-pauses.js';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { OPEN_ROLLOUTS, OPEN_TAKE_BACKS } from '../aws/rollout/rollout-ledger.js';
import { isTransient, TransientError } from '../core/errors/classify.js';
import {
  DEFAULT_WINDOW_DAYS,
  type LedgerBuildView,
  MAX_WINDOW_DAYS,
  needsLedgerLookup,
  planReconciliation,
  windowStart,
} from '../core/reconcile/decide.js';
import { reconciledRecord } from '../core/reconcile/record.js';
import { bundledCatalog } from './lib/catalog.js';
import { handlerFor } from './lib/middleware.js';
import { logger, metrics } from './lib/powertools.js';
import { actOnBuildStatus, type ImageEventAction } from './on-image-event.js';
import { promotionPlans } from './promotion/plans.js';
import { catalogApprovers, type DecisionsReport, deliverRecordedDecisions } from './reconcile-approvals.js';
import { buildsToReconcile, recordPipelinesListed } from './reconcile-builds.js';
import { type IntentsReport, reissueIntents } from './reconcile-intents.js';
import { type MigrationsReport, migrateLedger } from './reconcile-migrations.js';
import { type ResumesReport, resumePausedPromotions } from './reconcile-pauses.js';
import { type StoppedRolloutsReport, stopOrphanedRollouts } from './reconcile-rollouts.js';

/** The schedule's input (stacks/promotion/reconcile.ts). */
export const reconcileInputSchema = z.strictObject({
  reconcile: z.literal('image-builds'),
  windowDays: z.number().positive().max(MAX_WINDOW_DAYS).default(DEFAULT_WINDOW_DAYS),
});
export type ReconcileInput = z.input<typeof reconcileInputSchema>;

/** What one run found and did, for logs and tests. */
export interface ReconcileReport {
  since: string;
  /** Whether this is the day's pass (the run after midnight UTC: every pipeline listed on its listing day). */
  fullPass: boolean;
  listed: number;
  skipped: number;
  reconciled: { image: string; version: string; status: string; missed: string; result: ImageEventAction['action'] }[];
  /** Reconciliations another run (or a late event) recorded first: acted on idempotently, not counted again. */
  alreadyRecorded: number;
  /** Announcements SNS refused earlier, published now / still waiting. */
  announcements: { redelivered: number; pending: number };
  /** Build intents and schedule firings re-issued (a trigger whose start never happened). */
  intents?: IntentsReport;
  /** Approval decisions recorded while Step Functions was unavailable, delivered now. */
  decisions?: DecisionsReport;
  /** Older ledger items brought to this release's record format (a bounded batch a run, until none is left). */
  migrations?: MigrationsReport;
  /**
   * The run's one read of the open-work index: the entries the Scan read (every open item, of every kind) and those
   * of the kinds it acts on, still open: a backlog of another kind shows as the difference.
   */
  openWork?: { scanned: number; kept: number };
  /** Promotions paused at the end of their retry horizon, resumed now. */
  resumes?: ResumesReport;
  /** Rollouts still open in the ledger whose execution is no longer running, marked stopped now. */
  rollouts?: StoppedRolloutsReport;
}

/**
 * The kinds of open work a run acts on, each with the condition its step restates: read together, once a run, after
 * the migrations (aws/ledger/open-work.ts `readOpenWork`).
 */
export const RECONCILED_WORK: readonly OpenWorkRequest[] = [
  UNDELIVERED_DECISIONS,
  PAUSED_PROMOTIONS,
  OPEN_ROLLOUTS,
  OPEN_TAKE_BACKS,
  PENDING_INTENTS,
  OPEN_BUILDS,
];

/** Re-publishes announcements SNS refused earlier; a failure here is logged and left for the next run. */
async function redeliver(): Promise<{ redelivered: number; pending: number }> {
  try {
    return await redeliverAnnouncements();
  } catch (error) {
    logger.error('redelivering announcements failed', { error });
    return { redelivered: 0, pending: 0 };
  }
}

/**
 * The reconciler. First what outages left undone: approval decisions recorded while Step Functions was down are
 * delivered, promotions paused at the end of their retry horizon are resumed, and build intents whose start never
 * happened are re-issued. Then it asks Image Builder about the builds the ledger holds open (every
 * `pipelineListingEvery` days: lists every catalog pipeline's builds of the last `windowDays` days instead;
 * `buildsToReconcile`) and, for each
 * that reached AVAILABLE / FAILED / CANCELLED without the ledger saying on-image-event handled it, does exactly what
 * on-image-event would have done (`actOnBuildStatus`: same deterministic execution name, same once-only
 * announcement), then records the reconciliation. One build's failure does not stop the others; the run then
 * fails so Scheduler retries it and, in the end, dead-letters it.
 */
export async function reconcileBuilds(raw: ReconcileInput): Promise<ReconcileReport> {
  const input = reconcileInputSchema.parse(raw);
  const now = new Date();
  const since = windowStart(now, input.windowDays);

  // First: items older releases left open are then in the open-work index the steps below read.
  const migrations = await migrateLedger(now);
  const plans = promotionPlans();
  const images = Object.keys(plans);
  // What is open, every kind the steps below act on, in one read of the open-work index rather than a Query each.
  const open = await readOpenWork(RECONCILED_WORK);
  // Every open item of the ledger, of every kind, is read to find the reconciler's: a backlog of another kind (usage
  // reports, scheduled revocations) shows here as what was read against what was kept.
  logger.info('open work read', { ...open.counts });
  // Approvals given while Step Functions was down: their promotions have waited long enough.
  const decisions = await deliverRecordedDecisions(catalogApprovers(plans), now, open);
  // Promotions a transient error paused at the end of their retry horizon start again from where they stopped.
  const resumes = await resumePausedPromotions(images, now, open);
  const rollouts = await stopOrphanedRollouts(now, open);
  // Intents first: a build lost to an Image Builder outage is started before its missed promotions are looked for
  // (a build started now is not finished: the open builds read with the rest before it lose nothing).
  const intents = await reissueIntents(bundledCatalog(), now, open);
  // Every pipelineListingEvery every pipeline is listed (a build the ledger never recorded); otherwise the open builds.
  const { listed, fullPass, everyPipeline } = await buildsToReconcile(images, now, open);
  const candidates = listed.filter((build) => needsLedgerLookup(build, since));
  const handlings = await buildHandlings(candidates);
  const ledger = new Map<string, LedgerBuildView>();
  for (const build of candidates) {
    const view = handlings.get(buildKey(build.image, build.version));
    if (view) ledger.set(build.buildVersionArn, view);
  }
  const { actions, skipped } = planReconciliation(listed, ledger, since);

  const report: ReconcileReport = {
    since: since.toISOString(),
    fullPass,
    listed: listed.length,
    skipped: skipped.length,
    reconciled: [],
    alreadyRecorded: 0,
    announcements: await redeliver(),
    intents,
    decisions,
    migrations,
    openWork: open.counts,
    resumes,
    rollouts,
  };
  const failures: string[] = [...decisions.failures, ...resumes.failures, ...intents.failures];
  /** Failures of what is not a build (the rollouts, the ledger migration). */
  const otherFailures: string[] = rollouts.failures.map((f) => `rollout ${f}`);
  if (migrations.failure) otherFailures.push(migrations.failure);
  let permanent =
    (migrations.permanent ? 1 : 0) +
    (decisions.permanentFailures ?? 0) +
    (resumes.permanentFailures ?? 0) +
    (rollouts.permanentFailures ?? 0) +
    (intents.permanentFailures ?? 0);
  for (const { build, status, missed } of actions) {
    try {
      const result = await actOnBuildStatus({
        buildVersionArn: build.buildVersionArn,
        status,
        reason: build.reason,
        at: now.toISOString(),
      });
      if (result.action === 'ignored') {
        logger.warn('listed build is not ours; left alone', { build: build.buildVersionArn, reason: result.reason });
        continue;
      }
      const first = await recordReconciliation(reconciledRecord(build, status, missed, result.action, now));
      if (!first) {
        report.alreadyRecorded += 1;
        continue;
      }
      metrics.addMetric('BuildsReconciled', MetricUnit.Count, 1);
      logger.warn('reconciled a missed image state change', {
        image: build.image,
        version: build.version,
        status,
        missed,
      });
      report.reconciled.push({ image: build.image, version: build.version, status, missed, result: result.action });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error('reconciling a build failed', { build: build.buildVersionArn, status, error: message });
      failures.push(`${build.image} ${build.version} ${status}: ${message}`);
      if (!isTransient(error)) permanent++;
    }
  }
  if (failures.length > 0 || otherFailures.length > 0) {
    // Builds are counted as builds; the rest is told as what it is.
    const builds =
      failures.length > 0 ? [`${failures.length} build(s) could not be reconciled: ${failures.join('; ')}`] : [];
    const message = `reconcile: ${[...builds, ...otherFailures].join('; ')}`;
    // Only transient failures (a service down): the run's dead letter is re-driven like any other transient one.
    throw permanent === 0 ? new TransientError(message) : new Error(message);
  }
  // The listing is done once each build it found was acted on (a build that failed is listed again tomorrow), and
  // only by a run that looked as far back as the schedule's: a narrower window left older builds unlisted.
  if (everyPipeline && input.windowDays >= DEFAULT_WINDOW_DAYS) await recordPipelinesListed(now);
  return report;
}

export const handler = handlerFor({
  name: 'reconcile',
  recordFailure: recordFailedInvocation,
  parse: reconcileInputSchema,
  handle: reconcileBuilds,
});
