import { MalformedEventError } from '../core/errors.js';
import { imageRevokedSchema } from '../events/image-revoked.js';
import { imageRollbackRequestedSchema } from '../events/image-rollback-requested.js';
import { type RevokeResult, revokeVersion } from './lifecycle/revoke.js';
import { type RollbackResult, rollbackChannel } from './lifecycle/rollback.js';
import { taskHandler } from './promotion/lambda.js';
import { promotionPlans } from './promotion/plans.js';

function busName(): string {
  const name = process.env.EVENT_BUS_NAME;
  if (!name) throw new Error('EVENT_BUS_NAME is not set');
  return name;
}

/**
 * Goldsmith's bus → revocation and rollback. "Image Revoked" (the operator endpoint, the CLI or the simulator says a
 * version is revoked) is acted on idempotently: a re-delivery, or the event Goldsmith itself announced, finishes
 * whatever is left and announces nothing twice. "Image Rollback Requested" moves one channel back if it still
 * names `from`. Malformed events are refused with the reason, before anything is done.
 */
export async function onLifecycleRequest(event: unknown): Promise<RevokeResult | RollbackResult> {
  const revoked = imageRevokedSchema.safeParse(event);
  if (revoked.success) {
    const d = revoked.data.detail;
    return revokeVersion(
      { image: d.image, version: d.version, reason: d.reason, by: d.by ?? 'goldsmith', at: new Date(d.revokedAt) },
      promotionPlans(),
      busName(),
    );
  }
  const rollback = imageRollbackRequestedSchema.safeParse(event);
  if (rollback.success) {
    const d = rollback.data.detail;
    return rollbackChannel({ ...d, at: new Date(d.requestedAt) }, promotionPlans());
  }
  const detailType = (event as { 'detail-type'?: unknown } | null)?.['detail-type'];
  const reason =
    detailType === 'Image Revoked'
      ? revoked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
      : detailType === 'Image Rollback Requested'
        ? rollback.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
        : 'expected "Image Revoked" or "Image Rollback Requested" from source goldsmith';
  throw new MalformedEventError(reason);
}

export const handler = taskHandler('on-lifecycle-request', onLifecycleRequest);
