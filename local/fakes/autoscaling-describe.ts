import { refreshPercentage } from './autoscaling-refresh-pace.js';
import type { InstanceRefresh } from './autoscaling-refresh-types.js';

/**
 * An instance refresh as DescribeInstanceRefreshes returns it
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstanceRefresh.html): PercentageComplete goes back
 * down during a rollback, InstancesToUpdate then shows what the refresh had not reached, and RollbackDetails say why.
 */
export function describeRefresh(r: InstanceRefresh): Record<string, unknown> {
  return {
    InstanceRefreshId: r.id,
    AutoScalingGroupName: r.group.name,
    Status: r.status,
    ...(r.statusReason ? { StatusReason: r.statusReason } : {}),
    StartTime: new Date(r.startTime),
    ...(r.endTime !== undefined ? { EndTime: new Date(r.endTime) } : {}),
    PercentageComplete: refreshPercentage(r),
    InstancesToUpdate: r.rollback ? r.rollback.instancesToUpdate : r.total - r.replaced,
    ...(r.request.Preferences ? { Preferences: r.request.Preferences } : {}),
    ...(r.request.DesiredConfiguration ? { DesiredConfiguration: r.request.DesiredConfiguration } : {}),
    ...(r.rollback
      ? {
          RollbackDetails: {
            RollbackReason: r.rollback.reason,
            RollbackStartTime: new Date(r.rollback.startTime),
            PercentageCompleteOnRollback: r.rollback.percentage,
            InstancesToUpdateOnRollback: r.rollback.instancesToUpdate,
          },
        }
      : {}),
  };
}
