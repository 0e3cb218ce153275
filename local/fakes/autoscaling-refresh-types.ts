import type { AutoScalingGroup, GroupInstance } from './autoscaling-groups.js';
import type { MixedPolicy } from './autoscaling-mixed.js';
import type { FleetState } from './ec2-fleet.js';
import type { MemberAlarms } from './member-alarms.js';

/** The instance refresh's record and the engine's hooks (autoscaling-refresh.ts runs them). */

export type RefreshStatus =
  | 'Pending'
  | 'InProgress'
  | 'Baking'
  | 'Successful'
  | 'Failed'
  | 'Cancelling'
  | 'Cancelled'
  | 'RollbackInProgress'
  | 'RollbackFailed'
  | 'RollbackSuccessful';

export const ACTIVE: ReadonlySet<RefreshStatus> = new Set([
  'Pending',
  'InProgress',
  'Baking',
  'Cancelling',
  'RollbackInProgress',
]);

export interface RefreshPrefs {
  readonly minHealthy: number;
  readonly maxHealthy: number;
  readonly warmupSeconds: number;
  /** Undefined: no checkpoints; an empty list leaves the refresh Pending for good (see autoscaling-start.ts). */
  readonly checkpoints: readonly number[] | undefined;
  readonly checkpointDelaySeconds: number;
  readonly bakeSeconds: number;
  readonly autoRollback: boolean;
  readonly alarms: readonly string[];
  /** ScaleInProtectedInstances (default Wait). */
  readonly protectedInstances: 'Refresh' | 'Ignore' | 'Wait';
  /** StandbyInstances (default Wait). */
  readonly standbyInstances: 'Terminate' | 'Ignore' | 'Wait';
}

export interface InstanceRefresh {
  readonly id: string;
  readonly group: AutoScalingGroup;
  status: RefreshStatus;
  statusReason: string | undefined;
  readonly startTime: number;
  endTime: number | undefined;
  /** The group's instances as they were when the refresh ended (a copy: a team's later changes do not show here). */
  instancesAtEnd?: readonly GroupInstance[];
  readonly prefs: RefreshPrefs;
  /** As the request gave them, for DescribeInstanceRefreshes. */
  readonly request: { Preferences?: unknown; DesiredConfiguration?: unknown };
  readonly desired:
    | {
        readonly launchTemplateId: string;
        readonly version: number;
        /** The group's mixed instances policy once the refresh succeeds (none: the group has none then). */
        readonly mixed: MixedPolicy | undefined;
      }
    | undefined;
  readonly principal: string | undefined;
  readonly total: number;
  pending: string[];
  launched: string[];
  replaced: number;
  inFlight: number;
  phase: 'pending' | 'replace' | 'warm' | 'bake' | 'rollback' | 'rollback-warm' | 'done';
  nextAt: number;
  blockedSince: number | undefined;
  /** Since when only protected or Standby instances it must wait for are left to replace. */
  waitingSince: number | undefined;
  checkpointsDone: number;
  rollback:
    | {
        reason: string;
        startTime: number;
        instancesToUpdate: number;
        percentage: number;
        toReplace: string[];
        done: number;
      }
    | undefined;
}

/** Instances moved from one AMI to another by a refresh (or its rollback), for the simulator's fleet events. */
export interface RefreshMove {
  readonly at: number;
  readonly group: AutoScalingGroup;
  readonly refreshId: string;
  readonly rollback: boolean;
  /** Who started the refresh. */
  readonly principal: string | undefined;
  readonly from: string;
  readonly to: string;
  readonly instances: number;
  /** These instances were ended, not replaced (Standby instances under `StandbyInstances: Terminate`). */
  readonly ended?: true;
}

export interface RefreshHooks {
  readonly now: () => number;
  readonly fleet: () => FleetState;
  readonly alarms: MemberAlarms;
  /** Why EC2 would refuse to launch `imageId` for the group's account now (undefined: it launches). */
  readonly launchCheck: (account: string, region: string, imageId: string) => string | undefined;
  /** The AMI a template's ImageId means (`resolve:ssm:<parameter>` resolved at launch). */
  readonly imageOf: (account: string, region: string, imageRef: string) => string | undefined;
  readonly onMove?: (move: RefreshMove) => void;
  /** Why a replacement (not a rollback's) fails to launch or pass its health check now: a scenario's fault. */
  readonly replacementFailure?: (account: string, region: string) => string | undefined;
}
