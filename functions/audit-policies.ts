import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { doorInventory } from '../core/audit/policies.js';
import { TransientError } from '../core/errors/classify.js';
import { metricNames } from '../core/observability/metrics.js';
import { expectedPolicyChangeSchema, policyCallSchema } from '../events/policy-call.js';
import { auditResourcePolicies } from './audit/policies.js';
import { expectedPolicyChanged } from './audit/policy-parameter.js';
import type { AuditPart } from './audit/report.js';
import { handlerFor } from './lib/middleware.js';
import { metrics } from './lib/powertools.js';

/** The schedule's fixed input (stacks/monitoring/audit-policies.ts). */
export const auditPoliciesInputSchema = z.strictObject({ audit: z.literal('resource-policies') });

/** The stage whose doors are audited (`GOLDSMITH_STAGE`, set by the stacks). */
function stage(): string {
  const value = process.env.GOLDSMITH_STAGE;
  if (!value) throw new Error('GOLDSMITH_STAGE is not set');
  return value;
}

/**
 * The audit of the doors' resource policies (functions/audit/policies.ts): every topic's, queue's and the bus's policy
 * against the one the deployment set, put back and announced where it differs, daily and within minutes of a call
 * CloudTrail reports that changes one (events/policy-call.ts), so a door widened and narrowed again within the day is
 * still seen. A Parameter Store Change of an expected policy is drift itself (functions/audit/policy-parameter.ts),
 * then the doors are audited. A function of its own, apart from the reconciler, so the reconciler's bundle does not
 * grow. A failure to read or repair a door fails the run (transient when every failure is), after every door was
 * tried. Its own repairs are calls CloudTrail reports too: the run they start finds nothing and repairs nothing.
 */
export const handler = handlerFor({
  name: 'audit-policies',
  recordFailure: recordFailedInvocation,
  parse: z.union([auditPoliciesInputSchema, policyCallSchema, expectedPolicyChangeSchema]),
  handle: async (input): Promise<AuditPart> => {
    const now = new Date();
    const changed =
      'source' in input && input.source === 'aws.ssm'
        ? await expectedPolicyChanged(input.detail.name, input.detail.operation, input.id, now)
        : undefined;
    // The deployment's inventory of doors (stacks/expected-policies.ts): a deleted parameter is found missing.
    const part = await auditResourcePolicies(now, stage(), doorInventory(process.env.EXPECTED_POLICIES));
    if (changed) part.findings.unshift(...changed.findings);
    // Counted as the reconciler's and the subscriptions' audits count theirs: the drift alarm fires on a door's drift.
    metrics.addMetric(metricNames.driftFound, MetricUnit.Count, part.findings.length);
    if (part.failures.length > 0) {
      const message = `audit-policies: ${part.failures.join('; ')}`;
      throw part.permanentFailures === 0 ? new TransientError(message) : new Error(message);
    }
    return part;
  },
});
