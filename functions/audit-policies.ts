import * as z from 'zod';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { TransientError } from '../core/errors/classify.js';
import { auditResourcePolicies } from './audit/policies.js';
import type { AuditPart } from './audit/report.js';
import { handlerFor } from './lib/middleware.js';

/** The schedule's fixed input (stacks/monitoring/audit-policies.ts). */
export const auditPoliciesInputSchema = z.strictObject({ audit: z.literal('resource-policies') });

/** The stage whose doors are audited (`GOLDSMITH_STAGE`, set by the stacks). */
function stage(): string {
  const value = process.env.GOLDSMITH_STAGE;
  if (!value) throw new Error('GOLDSMITH_STAGE is not set');
  return value;
}

/**
 * The daily audit of the doors' resource policies (functions/audit/policies.ts): every topic's and queue's policy
 * against the one the deployment set, put back and announced where it differs. A function of its own, apart from the
 * reconciler, so the reconciler's bundle does not grow. A failure to read or repair a door fails the run (transient
 * when every failure is), after every door was tried.
 */
export const handler = handlerFor({
  name: 'audit-policies',
  recordFailure: recordFailedInvocation,
  parse: auditPoliciesInputSchema,
  handle: async (): Promise<AuditPart> => {
    const part = await auditResourcePolicies(new Date(), stage());
    if (part.failures.length > 0) {
      const message = `audit-policies: ${part.failures.join('; ')}`;
      throw part.permanentFailures === 0 ? new TransientError(message) : new Error(message);
    }
    return part;
  },
});
