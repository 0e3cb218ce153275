import type { OperatorRequestOf } from '../../events/operator-request.js';
import { RestoreRefused, restoreVersion } from '../lifecycle/restore.js';
import { promotionPlans } from '../promotion/plans.js';
import { Refusal } from './refusal.js';

/**
 * `restore IMAGE VERSION --reason R`: the version revoked earlier is no longer revoked, launchable again by the
 * channels it was promoted to (functions/lifecycle/restore.ts); no pointer moves. A repeat changes nothing and says
 * whose restore it was.
 */
export async function restore(request: OperatorRequestOf<'restore'>, caller: string, at: Date) {
  try {
    const result = await restoreVersion(
      { image: request.image, version: request.version, reason: request.reason, by: caller, at },
      promotionPlans(),
    );
    return {
      ...result,
      by: caller,
      alreadyRestored: !result.firstTime,
      ...(result.firstTime
        ? {}
        : {
            note: `already restored by ${result.restoredBy} at ${result.restoredAt}; nothing changed, and this request's reason was not recorded`,
          }),
    };
  } catch (error) {
    if (error instanceof RestoreRefused) throw new Refusal(error.status, error.message);
    throw error;
  }
}
