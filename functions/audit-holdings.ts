import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { historyBehind } from '../aws/audit/history-windows.js';
import { lastSweptAt, recordSweep, type SweepKind } from '../aws/audit/sweep-ledger.js';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { sweepPeriodDays } from '../core/audit/history-lag.js';
import { parseDuration } from '../core/duration.js';
import { TransientError } from '../core/errors/classify.js';
import { metricNames } from '../core/observability/metrics.js';
import { isFullPass, isSweepDue } from '../core/reconcile/decide.js';
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
   * The audit of what AWS holds: scheduled revocations (every run); channel pointers, their policies and launch
   * permissions (full pass only: each sweep when due), and what it put back.
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
  // Scheduled revocations every run; rules daily; pointers and launch permissions when their sweep is due (between
  // them, their change events ask for a read-back: functions/audit/readback.ts).
  const sweeps = fullPass
    ? await sweepsDue(now)
    : { launchPermissions: false, pointers: false, pointerPolicies: false };
  const audit = await auditWhatAwsHolds(plans, now, fullPass, sweeps);
  await recordCompletedSweeps(audit, sweeps, now);
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

/** Which sweeps a run makes. */
type Sweeps = Record<'launchPermissions' | 'pointers' | 'pointerPolicies', boolean>;

/**
 * Which sweeps this full pass makes: each whose last completed sweep (the ledger's `SWEEP#<kind>` item) is at least
 * its catalog period (`monitoring.launchPermissionSweepEvery`, `pointerSweepEvery`, `pointerPolicySweepEvery`) old,
 * or that never completed. The launch permissions' and the pointers' periods hold only while the event history is read
 * in every Region the catalog distributes to (core/audit/history-lag.ts); while it is behind in one, they are swept
 * daily.
 */
export async function sweepsDue(now: Date): Promise<Sweeps> {
  const catalog = bundledCatalog();
  const { monitoring } = catalog;
  if (!isFullPass(now)) return { launchPermissions: false, pointers: false, pointerPolicies: false };
  const regions = Object.values(catalog.images).flatMap((image) => image.regions);
  const behind = await historyBehind(regions, now);
  const due = async (kind: SweepKind, every: string, followsHistory: boolean) => {
    const days = parseDuration(every) / 86_400;
    return isSweepDue(now, await lastSweptAt(kind), followsHistory ? sweepPeriodDays(days, behind) : days);
  };
  return {
    launchPermissions: await due('launch-permissions', monitoring.launchPermissionSweepEvery, true),
    pointers: await due('pointers', monitoring.pointerSweepEvery, true),
    pointerPolicies: await due('pointer-policies', monitoring.pointerPolicySweepEvery, false),
  };
}

/**
 * Records each sweep this run made that completed without a failure (the launch permissions' with the rules' targets
 * it reads), so a failed one stays due for the next full pass.
 */
export async function recordCompletedSweeps(audit: AuditReport, sweeps: Sweeps, now: Date): Promise<void> {
  const clean = (...parts: (AuditReport['pointers'] | undefined)[]) =>
    parts.every((p) => p !== undefined && p.failures.length === 0);
  if (sweeps.pointers && clean(audit.pointers)) await recordSweep('pointers', now.toISOString());
  if (sweeps.pointerPolicies && clean(audit.pointerPolicies)) await recordSweep('pointer-policies', now.toISOString());
  if (sweeps.launchPermissions && clean(audit.launchPermissions, audit.rules)) {
    await recordSweep('launch-permissions', now.toISOString());
  }
}

export const handler = handlerFor({
  name: 'audit-holdings',
  recordFailure: recordFailedInvocation,
  parse: z.union([auditHoldingsInputSchema, outsideChangeEventSchema]),
  handle: async (input): Promise<AuditHoldingsReport | Awaited<ReturnType<typeof readBackChange>>> =>
    'source' in input ? readBackChange(input) : auditHoldings(input),
});
