import {
  ActiveInstanceRefreshNotFoundFault,
  CancelInstanceRefreshCommand,
  IrreversibleInstanceRefreshFault,
  RollbackInstanceRefreshCommand,
} from '@aws-sdk/client-auto-scaling';
import { autoScalingClient } from '../clients/autoscaling.js';
import { asMember, type MemberScope } from './member-session.js';

/** Stopping a group's instance refresh in a member account: cancelling it, or rolling it back. */

/**
 * Cancels a group's active refresh. None active (ActiveInstanceRefreshNotFound) means it already ended: nothing to
 * cancel. "When you cancel an instance refresh, this does not roll back any changes that it made."
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CancelInstanceRefresh.html)
 */
export async function cancelRefresh(scope: MemberScope, group: string): Promise<'cancelled' | 'not-active'> {
  // Run again as another role once refused: a cancel the first run made leaves none active (not-active).
  return asMember(scope, async ({ region, identity }) => {
    try {
      await autoScalingClient(region, identity).send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: group }));
      return 'cancelled' as const;
    } catch (error) {
      if (error instanceof ActiveInstanceRefreshNotFoundFault) return 'not-active' as const;
      throw error;
    }
  });
}

/**
 * Rolls back a group's active refresh to the configuration saved on the group before it started
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RollbackInstanceRefresh.html). None active: it
 * already ended. IrreversibleInstanceRefresh: it cannot be rolled back (reported, not thrown).
 */
export async function rollbackRefresh(
  scope: MemberScope,
  group: string,
): Promise<{ kind: 'rolling-back' | 'not-active' } | { kind: 'irreversible'; reason: string }> {
  return asMember(scope, async ({ region, identity }) => {
    try {
      await autoScalingClient(region, identity).send(
        new RollbackInstanceRefreshCommand({ AutoScalingGroupName: group }),
      );
      return { kind: 'rolling-back' as const };
    } catch (error) {
      if (error instanceof ActiveInstanceRefreshNotFoundFault) return { kind: 'not-active' as const };
      if (error instanceof IrreversibleInstanceRefreshFault)
        return { kind: 'irreversible' as const, reason: error.message };
      throw error;
    }
  });
}
