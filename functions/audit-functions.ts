import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { historyBehind } from '../aws/audit/history-windows.js';
import { lastSweptAt, recordSweep } from '../aws/audit/sweep-ledger.js';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { sweepPeriodDays } from '../core/audit/history-lag.js';
import { parseDuration } from '../core/duration.js';
import { TransientError } from '../core/errors/classify.js';
import { metricNames } from '../core/observability/metrics.js';
import { isSweepDue } from '../core/reconcile/decide.js';
import { expectedFunctionChangeSchema, functionCallSchema } from '../events/function-call.js';
import { roleCallSchema } from '../events/role-call.js';
import { auditFunctions, dailyFunctions, expectedFunctionDeleted, expectedFunctions } from './audit/functions.js';
import type { AuditPart } from './audit/report.js';
import { auditRoles } from './audit/roles.js';
import { bundledCatalog } from './lib/catalog.js';
import { handlerFor } from './lib/middleware.js';
import { metrics } from './lib/powertools.js';

/** The schedule's fixed input (stacks/monitoring/audit-functions.ts). */
export const auditFunctionsInputSchema = z.strictObject({ audit: z.literal('functions') });

/** The stage whose functions are audited (`GOLDSMITH_STAGE`, set by the stacks). */
function stage(): string {
  const value = process.env.GOLDSMITH_STAGE;
  if (!value) throw new Error('GOLDSMITH_STAGE is not set');
  return value;
}

/**
 * The audit of Goldsmith's functions (functions/audit/functions.ts): every function's code and configuration against
 * what the deployment made, a function changed outside the deployment stopped and announced, every
 * `monitoring.functionSweepEvery` days, within minutes of a Lambda call CloudTrail reports (events/function-call.ts),
 * the day after one the event history holds (functions/audit-history.ts) or of a change of a function's expected
 * properties in Parameter Store (a deletion is drift itself). A function of its own, apart from the policies' auditor, so neither
 * bundle grows and a changed policies' auditor still has this one read it. A failure to read or stop a function fails
 * the run (transient when every failure is), after every function was tried. Its own stop is a call CloudTrail
 * reports: the run it starts finds the drift recorded and announces nothing twice. Between sweeps the scheduled run still
 * reads back the event history's reader and itself (`dailyFunctions`). Goldsmith's IAM roles too
 * (functions/audit/roles.ts): all of them on the daily schedule, one within minutes of an IAM call on it that
 * CloudTrail reports (events/role-call.ts; us-east-1 only).
 */
export const handler = handlerFor({
  name: 'audit-functions',
  recordFailure: recordFailedInvocation,
  parse: z.union([auditFunctionsInputSchema, functionCallSchema, expectedFunctionChangeSchema, roleCallSchema]),
  handle: async (input): Promise<AuditPart> => {
    const now = new Date();
    const self = process.env.AWS_LAMBDA_FUNCTION_NAME;
    // An IAM call on a role: that role read back (functions/audit/roles.ts), the functions left to their own events.
    const part =
      'source' in input && input.source === 'aws.iam'
        ? await auditRoles(now, stage(), self, input.detail.requestParameters?.roleName ?? undefined)
        : await functionsAndRoles(input, now, self);
    metrics.addMetric(metricNames.driftFound, MetricUnit.Count, part.findings.length);
    if (part.failures.length > 0) {
      const message = `audit-functions: ${part.failures.join('; ')}`;
      throw part.permanentFailures === 0 ? new TransientError(message) : new Error(message);
    }
    return part;
  },
});

/** The records of the functions read back every day (`AUDIT_DAILY_FUNCTIONS`, parameter names, set by the stacks). */
function dailyParameters(): ReadonlySet<string> {
  return new Set((process.env.AUDIT_DAILY_FUNCTIONS ?? '').split(',').filter((p) => p.length > 0));
}

/**
 * Whether the scheduled run reads back every function: their last complete read-back (the ledger's
 * `SWEEP#functions`) at least `monitoring.functionSweepEvery` old, or never made. Between, the Lambda calls CloudTrail
 * reports (a trail's events, the event history's daily read: functions/audit-history.ts) read back the one named;
 * while that read is behind in the home Region (core/audit/history-lag.ts), every day.
 */
export async function functionSweepDue(now: Date): Promise<boolean> {
  const every = parseDuration(bundledCatalog().monitoring.functionSweepEvery) / 86_400;
  const home = [process.env.AWS_REGION ?? ''];
  const behind = await historyBehind(home, now);
  return isSweepDue(now, await lastSweptAt('functions'), sweepPeriodDays(every, behind));
}

/**
 * The functions (an event's own, or all when their sweep is due), and on the daily schedule the roles too, as one
 * report: a role's drift stops functions the functions' comparison found unchanged.
 */
async function functionsAndRoles(
  input: z.infer<typeof auditFunctionsInputSchema | typeof functionCallSchema | typeof expectedFunctionChangeSchema>,
  now: Date,
  self: string | undefined,
): Promise<AuditPart> {
  const deleted =
    'source' in input && input.source === 'aws.ssm' && input.detail.operation === 'Delete'
      ? await expectedFunctionDeleted(input.detail.name, input.id, now)
      : undefined;
  // An event's own function only (a deploy's parameter changes, a Lambda call's function); the schedule, all.
  const only =
    'source' in input
      ? input.source === 'aws.ssm'
        ? { parameter: input.detail.name }
        : { functionName: input.detail.requestParameters?.functionName }
      : undefined;
  // The functions' records, read once (a rewritten parameter's alone); the roles' audit stops functions by them.
  const rewritten = 'source' in input && input.source === 'aws.ssm' && !deleted ? input.detail.name : undefined;
  const records = expectedFunctions(stage(), rewritten);
  // An event's function now; on the schedule every function only when their sweep is due (`functionSweepEvery`).
  const sweep = 'source' in input ? false : await functionSweepDue(now);
  // Between sweeps, the event history's reader and this auditor every day (two GetFunction).
  const part =
    'source' in input || sweep
      ? await auditFunctions(now, stage(), self, only, records)
      : await auditFunctions(now, stage(), self, undefined, dailyFunctions(records, dailyParameters()));
  if (sweep && part.failures.length === 0) await recordSweep('functions', now.toISOString());
  if (deleted) part.findings.unshift(...deleted.findings);
  if ('source' in input) return part;
  const roles = await auditRoles(now, stage(), self, undefined, await records());
  return {
    checked: part.checked + roles.checked,
    reads: part.reads + roles.reads,
    findings: [...part.findings, ...roles.findings],
    failures: [...part.failures, ...roles.failures],
    permanentFailures: part.permanentFailures + roles.permanentFailures,
  };
}
