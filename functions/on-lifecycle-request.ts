import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { getRevocation } from '../aws/lifecycle/promotion-findings.js';
import { getScheduledRevocation } from '../aws/lifecycle/scheduled-revocations.js';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { MalformedEventError } from '../core/errors.js';
import {
  cancelledDueTimes,
  isCancelledFiring,
  isScheduledFiring,
  supersededBy,
} from '../core/lifecycle/scheduled-revocation.js';
import { FactContradictsLedgerError, imageRevokedDecision } from '../core/trust/facts.js';
import { imageRevokedSchema } from '../events/image-revoked.js';
import { logger, metrics } from './lib/powertools.js';
import { type RevokeResult, revokeVersion } from './lifecycle/revoke.js';
import { taskHandler } from './promotion/lambda.js';
import { promotionPlans } from './promotion/plans.js';

function busName(): string {
  const name = process.env.EVENT_BUS_NAME;
  if (!name) throw new Error('EVENT_BUS_NAME is not set');
  return name;
}

/**
 * Goldsmith's bus → revocation. "Image Revoked" (put by the function that revoked: on-finding, the operator
 * endpoint, or this one) is acted on idempotently: a re-delivery, or the fact Goldsmith itself put, finishes
 * whatever an interrupted revocation left and announces nothing twice. A scheduled revocation's firing (`revoke
 * --at`) that was cancelled (`revoke --cancel`), or superseded by revoking the version earlier, revokes nothing. An "Image Revoked" the ledger does not record
 * (core/trust/facts.ts) is refused whole with the reason, nothing changed. Malformed events are refused with the reason, before
 * anything is done.
 */
export async function onLifecycleRequest(
  event: unknown,
): Promise<
  | RevokeResult
  | { image: string; version: string; cancelled: string }
  | { image: string; version: string; superseded: string }
> {
  const revoked = imageRevokedSchema.safeParse(event);
  if (revoked.success) {
    const d = revoked.data.detail;
    const firing = { id: revoked.data.id, image: d.image, version: d.version, revokedAt: d.revokedAt };
    const scheduled = await getScheduledRevocation(d.image, d.version);
    if (isCancelledFiring(firing, cancelledDueTimes(scheduled))) {
      // A scheduled revocation cancelled with `revoke --cancel` whose schedule fired before it was deleted.
      logger.warn('scheduled revocation cancelled: nothing revoked', firing);
      return { image: d.image, version: d.version, cancelled: d.revokedAt };
    }
    const revocation = await getRevocation(d.image, d.version);
    if (isScheduledFiring(firing) && supersededBy(scheduled, revocation)) {
      // The version was revoked at once before this time: done already, and not again at a later deprecation time.
      logger.warn('scheduled revocation superseded by an earlier one: nothing revoked', firing);
      return { image: d.image, version: d.version, superseded: d.revokedAt };
    }
    // Whoever put or invoked it (any role allowed lambda:InvokeFunction can hand this function any payload), only a
    // revocation the ledger records is carried out, with the ledger's reason and requester.
    const decision = imageRevokedDecision(firing, { revocation, scheduled }, new Date());
    if (!decision.act) {
      metrics.addMetric('FactsRefused', MetricUnit.Count, 1);
      logger.error('fact refused', { ...firing, reason: decision.contradiction });
      throw new FactContradictsLedgerError(decision.contradiction);
    }
    return revokeVersion(
      { image: d.image, version: d.version, reason: decision.reason, by: decision.by, at: new Date(decision.at) },
      promotionPlans(),
      busName(),
    );
  }
  const detailType = (event as { 'detail-type'?: unknown } | null)?.['detail-type'];
  const reason =
    detailType === 'Image Revoked'
      ? revoked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
      : 'expected "Image Revoked" from source goldsmith';
  throw new MalformedEventError(reason);
}

export const handler = taskHandler('on-lifecycle-request', onLifecycleRequest, recordFailedInvocation);
