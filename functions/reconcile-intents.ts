import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { markIntentDone, pendingIntents, readIntent } from '../aws/builds/intents.js';
import type { OpenWork } from '../aws/ledger/open-work.js';
import type { Catalog } from '../core/config/schema.js';
import { isTransient } from '../core/errors/classify.js';
import { dueScheduleChanges } from '../core/reconcile/schedules.js';
import { type Change, changeIdOf } from '../core/triggers/change.js';
import { logger, metrics } from './lib/powertools.js';
import { keyRefusalOf, startBuildsForChange } from './start-builds.js';

/** What the intents part of a reconciler run did. */
export interface IntentsReport {
  /** Pending intents re-issued (their build never started, or their decisions were never recorded). */
  reissued: string[];
  /** Schedule firings whose invocation never recorded an intent, issued now. */
  schedulesRederived: string[];
  /** Pending intents whose change the ledger cannot hold (recorded before its bounds): closed, never re-issued. */
  refused: string[];
  failures: string[];
  /** How many of `failures` were not transient (a retry alone will not cure them). */
  permanentFailures?: number;
}

/**
 * Re-issues build intents that never completed, oldest change first (each change's images in lineage order, as
 * start-builds decides them), then issues the catalog's schedule firings of the look-back whose intent was never
 * written. Both go through start-builds' own path, so its dedupe markers and client tokens keep every re-issue to
 * at most one build per change and image.
 */
export async function reissueIntents(
  catalog: Catalog,
  now: Date,
  /** What the run's read of the open-work index found (aws/ledger/open-work.ts), or nothing: a Query of its own. */
  read?: OpenWork,
): Promise<IntentsReport> {
  const report: IntentsReport = { reissued: [], schedulesRederived: [], refused: [], failures: [] };
  const attempt = async (change: Change, into: string[]): Promise<void> => {
    try {
      await startBuildsForChange(catalog, change, now);
      into.push(changeIdOf(change));
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      report.failures.push(`${changeIdOf(change)}: ${message}`);
      if (!isTransient(error)) report.permanentFailures = (report.permanentFailures ?? 0) + 1;
    }
  };
  for (const intent of await pendingIntents(read)) {
    // A change whose keys cannot fit is refused once, with its reason: its intent is closed, not re-issued each run.
    const refusal = keyRefusalOf(catalog, intent.change);
    if (refusal) {
      await markIntentDone(intent.change, [`refused: ${refusal}`], now);
      report.refused.push(refusal);
      logger.error('build intent refused', { reason: refusal });
      continue;
    }
    await attempt(intent.change, report.reissued);
  }
  for (const change of dueScheduleChanges(catalog, now)) {
    if (await readIntent(change)) continue;
    await attempt(change, report.schedulesRederived);
  }
  const issued = report.reissued.length + report.schedulesRederived.length;
  if (issued > 0) {
    metrics.addMetric('IntentsReissued', MetricUnit.Count, issued);
    logger.warn('re-issued build intents', { reissued: report.reissued, schedules: report.schedulesRederived });
  }
  return report;
}
