import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { TransientError } from '../core/errors/classify.js';
import { metricNames } from '../core/observability/metrics.js';
import { expectedFunctionChangeSchema, functionCallSchema } from '../events/function-call.js';
import { auditFunctions, expectedFunctionDeleted } from './audit/functions.js';
import type { AuditPart } from './audit/report.js';
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
 * what the deployment made, a function changed outside the deployment stopped and announced, daily and within minutes
 * of a Lambda call CloudTrail reports (events/function-call.ts) or of a change of a function's expected properties in
 * Parameter Store (a deletion is drift itself). A function of its own, apart from the policies' auditor, so neither
 * bundle grows and a changed policies' auditor still has this one read it. A failure to read or stop a function fails
 * the run (transient when every failure is), after every function was tried. Its own stop is a call CloudTrail
 * reports: the run it starts finds the drift recorded and announces nothing twice.
 */
export const handler = handlerFor({
  name: 'audit-functions',
  recordFailure: recordFailedInvocation,
  parse: z.union([auditFunctionsInputSchema, functionCallSchema, expectedFunctionChangeSchema]),
  handle: async (input): Promise<AuditPart> => {
    const now = new Date();
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
    const part = await auditFunctions(now, stage(), process.env.AWS_LAMBDA_FUNCTION_NAME, only);
    if (deleted) part.findings.unshift(...deleted.findings);
    metrics.addMetric(metricNames.driftFound, MetricUnit.Count, part.findings.length);
    if (part.failures.length > 0) {
      const message = `audit-functions: ${part.failures.join('; ')}`;
      throw part.permanentFailures === 0 ? new TransientError(message) : new Error(message);
    }
    return part;
  },
});
