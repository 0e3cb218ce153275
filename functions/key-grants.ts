import * as z from 'zod';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { TransientError } from '../core/errors/classify.js';
import { countKeyGrants, type KeyGrantsRun } from './audit/key-grants.js';
import { bundledCatalog } from './lib/catalog.js';
import { handlerFor } from './lib/middleware.js';

/** The daily schedule's input (stacks/member-baseline/key-grants.ts). */
export const keyGrantsInputSchema = z.strictObject({ audit: z.literal('key-grants') });

/** The stack's environment: the AMI key's ARN in the home Region and every Region it is replicated to. */
function keyEnvironment(): { keyArn: string; regions: string[] } {
  const keyArn = process.env.AMI_KEY_ARN;
  const regions = (process.env.AMI_KEY_REGIONS ?? '').split(',').filter((r) => r !== '');
  if (!keyArn || regions.length === 0) throw new Error('AMI_KEY_ARN and AMI_KEY_REGIONS must be set by the stack');
  return { keyArn, regions };
}

/**
 * The AMI key grants auditor, a function of its own (the reconciler's bundle stays without a KMS client): daily,
 * the grants on the AMI key in every Region counted, kept and announced, leftovers of departed accounts revoked
 * (functions/audit/key-grants.ts). A Region that failed fails the invocation once every Region is done (transient:
 * retried; the next day is the backstop).
 */
export async function auditKeyGrants(now: Date = new Date()): Promise<KeyGrantsRun> {
  const { keyArn, regions } = keyEnvironment();
  const run = await countKeyGrants(bundledCatalog(), keyArn, regions, now);
  const failed = run.regions.filter((r) => r.failure !== undefined);
  if (failed.length > 0) {
    const message = `key-grants: ${failed.map((r) => r.failure).join('; ')}`;
    throw failed.every((r) => r.transient) ? new TransientError(message) : new Error(message);
  }
  return run;
}

export const handler = handlerFor({
  name: 'key-grants',
  recordFailure: recordFailedInvocation,
  parse: keyGrantsInputSchema,
  handle: () => auditKeyGrants(),
});
