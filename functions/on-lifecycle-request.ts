import { MalformedEventError } from '../core/errors.js';
import { imageRevokedSchema } from '../events/image-revoked.js';
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
 * whatever an interrupted revocation left and announces nothing twice. Malformed events are refused with the
 * reason, before anything is done.
 */
export async function onLifecycleRequest(event: unknown): Promise<RevokeResult> {
  const revoked = imageRevokedSchema.safeParse(event);
  if (revoked.success) {
    const d = revoked.data.detail;
    return revokeVersion(
      { image: d.image, version: d.version, reason: d.reason, by: d.by ?? 'goldsmith', at: new Date(d.revokedAt) },
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

export const handler = taskHandler('on-lifecycle-request', onLifecycleRequest);
