import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { parseDuration } from '../core/duration.js';
import { TransientError } from '../core/errors/classify.js';
import { metricNames } from '../core/observability/metrics.js';
import { isFullPass, isLaunchPermissionSweep } from '../core/reconcile/decide.js';
import { outsideChangeEventSchema } from '../events/outside-change.js';
import { type AuditReport, auditWhatAwsHolds } from './audit/index.js';
import { readBackChange } from './audit/readback.js';
import { bundledCatalog } from './lib/catalog.js';
import { handlerFor } from './lib/middleware.js';
import { metrics } from './lib/powertools.js';
import { promotionPlans } from './promotion/plans.js';
import {
  type PointerShareCheck,
  pointerShareFailureText,
  verifyPointerShares,
} from './sharing/pointer-share-backstop.js';

/** The schedule's input (stacks/promotion/audit-holdings.ts). */
export const auditHoldingsInputSchema = z.strictObject({ audit: z.literal('what-aws-holds') });
export type AuditHoldingsInput = z.input<typeof auditHoldingsInputSchema>;

/** What one run found and put back, for logs and tests. */
export interface AuditHoldingsReport {
  /** Whether this run is the day's full pass (isFullPass: the same run of the day as the reconciler's). */
  fullPass: boolean;
  /** The day's comparison of the channel pointer shares with RAM, and what it put back (full pass only). */
  pointerShares?: PointerShareCheck;
  /**
   * The audit of what AWS holds: scheduled revocations (every run); channel pointers and launch permissions (full
   * pass only, on their sweep days), and what it put back.
   */
  audit: AuditReport;
}

/**
 * The audit of what AWS holds against the ledger and the stacks, on the reconciler's period but in a function of its
 * own (its SDK clients: EC2, SSM, RAM, EventBridge, Scheduler, Organizations, Lambda). Once a day first the channel
 * pointer shares RAM holds against those the ledger holds; then every run the scheduled revocations, and on the full
 * pass the rules, pointer policies, channel pointers and launch permissions (functions/audit/index.ts); each put back
 * where changed outside Goldsmith. A failure in one part stops none of the others; the run then fails so Scheduler
 * retries it and, in the end, dead-letters it (a transient one only when every failure was transient).
 */
export async function auditHoldings(raw: AuditHoldingsInput, now = new Date()): Promise<AuditHoldingsReport> {
  auditHoldingsInputSchema.parse(raw);
  const fullPass = isFullPass(now);
  const plans = Object.values(promotionPlans());
  const failures: string[] = [];
  let permanent = 0;
  let pointerShares: PointerShareCheck | undefined;
  if (fullPass) {
    pointerShares = await verifyPointerShares(plans);
    metrics.addMetric(metricNames.pointerSharesRepaired, MetricUnit.Count, pointerShares.repaired.length);
    if (pointerShares.failures.length > 0) failures.push(pointerShareFailureText(pointerShares));
    permanent += pointerShares.permanentFailures;
  }
  // Scheduled revocations every run; rules daily; pointers and launch permissions on their sweep days (between
  // them, their change events ask for a read-back: functions/audit/readback.ts).
  const { monitoring } = bundledCatalog();
  const sweepDay = (every: string) => isLaunchPermissionSweep(now, parseDuration(every) / 86_400);
  const audit = await auditWhatAwsHolds(plans, now, fullPass, {
    launchPermissions: sweepDay(monitoring.launchPermissionSweepEvery),
    pointers: sweepDay(monitoring.pointerSweepEvery),
  });
  metrics.addMetric(metricNames.driftFound, MetricUnit.Count, audit.findings.length);
  failures.push(...audit.failures);
  permanent += audit.permanentFailures;
  if (failures.length > 0) {
    const message = `audit: ${failures.join('; ')}`;
    // Only transient failures (a service down): the run's dead letter is re-driven like any other transient one.
    throw permanent === 0 ? new TransientError(message) : new Error(message);
  }
  return { fullPass, ...(pointerShares ? { pointerShares } : {}), audit };
}

export const handler = handlerFor({
  name: 'audit-holdings',
  recordFailure: recordFailedInvocation,
  parse: z.union([auditHoldingsInputSchema, outsideChangeEventSchema]),
  handle: async (input): Promise<AuditHoldingsReport | Awaited<ReturnType<typeof readBackChange>>> =>
    'source' in input ? readBackChange(input) : auditHoldings(input),
});
