import {
  DescribeInstanceRefreshesCommand,
  type DesiredConfiguration,
  type InstanceRefresh,
  InstanceRefreshInProgressFault,
  type MixedInstancesPolicy,
  StartInstanceRefreshCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import type { RefreshPreferences } from '../../core/rollout/request.js';
import { autoScalingClient } from '../clients/autoscaling.js';
import { ec2Client } from '../clients/ec2.js';
import { type ActingScope, asMember, type MemberScope } from './member-session.js';
import { describeGroupAs } from './rollout-groups.js';

/**
 * The instance refresh calls of a rollout in one member account and Region. Goldsmith never calls
 * UpdateAutoScalingGroup: the new version goes only into the refresh's DesiredConfiguration, so the group's saved
 * configuration stays the rollback target (https://github.com/hashicorp/terraform-provider-aws/issues/34189).
 */

/** A refresh as DescribeInstanceRefreshes reports it. */
export interface RefreshSeen {
  refreshId: string;
  status: string;
  statusReason?: string;
}

/**
 * Why it is in its status: `StatusReason`, else, for a rollback, `RollbackDetails.RollbackReason` ("whether a manual
 * or automatic rollback was initiated": https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RollbackDetails.html).
 */
function seen(r: InstanceRefresh): RefreshSeen {
  const reason = r.StatusReason ?? r.RollbackDetails?.RollbackReason;
  return {
    refreshId: r.InstanceRefreshId ?? '',
    status: String(r.Status ?? 'Pending'),
    ...(reason !== undefined && { statusReason: reason }),
  };
}

const ACTIVE = new Set(['Pending', 'InProgress', 'Baking', 'Cancelling', 'RollbackInProgress']);

/** A group's refreshes, newest first (DescribeInstanceRefreshes lists the last six weeks'). */
async function refreshesOf(scope: ActingScope, group: string, ids?: string[]): Promise<InstanceRefresh[]> {
  const out = await autoScalingClient(scope.region, scope.identity).send(
    new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: group, ...(ids && { InstanceRefreshIds: ids }) }),
  );
  return out.InstanceRefreshes ?? [];
}

/** The launch template a refresh's desired configuration names: its own, or its mixed instances policy's. */
function desiredTemplate(r: InstanceRefresh): { LaunchTemplateId?: string; Version?: string } | undefined {
  const d = r.DesiredConfiguration;
  return d?.LaunchTemplate ?? d?.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
}

function isOurs(r: InstanceRefresh, launchTemplateId: string, version: number): boolean {
  const lt = desiredTemplate(r);
  return lt?.LaunchTemplateId === launchTemplateId && lt.Version === String(version);
}

/**
 * The refresh's desired configuration: the template at `version`, and for a mixed-instances group its whole policy
 * with only the template's version changed. "To update a mixed instances group, you must specify settings for a mixed
 * instances policy in your desired configuration. For any mixed instances policy parameters not provided in the
 * desired configuration, Amazon EC2 Auto Scaling resets the parameter value to a default value"
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-instance-refresh-skip-matching.html#skip-matching-mixed-instances-group):
 * every override, the distribution and the Spot settings go as the group holds them.
 */
export function desiredConfiguration(
  launchTemplateId: string,
  version: number,
  mixed: MixedInstancesPolicy | undefined,
): DesiredConfiguration {
  const spec = { LaunchTemplateId: launchTemplateId, Version: String(version) };
  if (!mixed) return { LaunchTemplate: spec };
  return {
    MixedInstancesPolicy: { ...mixed, LaunchTemplate: { ...mixed.LaunchTemplate, LaunchTemplateSpecification: spec } },
  };
}

export type StartOutcome = ({ kind: 'started' } & RefreshSeen) | { kind: 'busy'; reason: string };

/**
 * Starts a group's refresh to `version` of its template, or takes the refresh a previous attempt started (one with
 * this desired configuration). Another refresh running on the group (InstanceRefreshInProgressFault: "an active
 * instance refresh already exists for the specified Auto Scaling group") leaves the group alone: `busy`, with why.
 * The refresh is read back before it is reported started.
 */
export function startRefresh(scope: MemberScope, input: StartInput): Promise<StartOutcome> {
  // Run again as another role once the first was refused, it reads the group's refreshes first: one it started is
  // taken as its own, never started twice.
  return asMember(scope, (acting) => startRefreshAs(acting, input));
}

interface StartInput {
  group: string;
  launchTemplateId: string;
  version: number;
  preferences: RefreshPreferences;
  /** Only refreshes started after this one count as this call's own (a revert to a version refreshed before). */
  after?: string;
  /**
   * A retried rollout's wave: a refresh to this version counts as this call's own only when it is still running or
   * began (StartTime) at or after this instant, the retry's; the halted attempt's ended refreshes do not.
   */
  startedAfter?: string;
  /**
   * The group's mixed instances policy as just read (`none`: it has none); absent, the group is read now, so a
   * refresh back keeps what the group holds today.
   */
  mixed?: MixedInstancesPolicy | 'none';
}

async function startRefreshAs(scope: ActingScope, input: StartInput): Promise<StartOutcome> {
  const existing = await ownOrBusy(scope, input);
  if (existing) return existing;
  const mixed = input.mixed ?? (await describeGroupAs(scope, input.group))?.MixedInstancesPolicy ?? 'none';
  let refreshId: string | undefined;
  try {
    const out = await autoScalingClient(scope.region, scope.identity).send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: input.group,
        Strategy: 'Rolling',
        DesiredConfiguration: desiredConfiguration(
          input.launchTemplateId,
          input.version,
          mixed === 'none' ? undefined : mixed,
        ),
        Preferences: input.preferences,
      }),
    );
    refreshId = out.InstanceRefreshId;
  } catch (error) {
    if (!(error instanceof InstanceRefreshInProgressFault)) throw error;
    const raced = await ownOrBusy(scope, input);
    if (raced) return raced;
    throw error;
  }
  if (!refreshId) throw new Error(`StartInstanceRefresh of ${input.group} returned no refresh id`);
  const [read] = await refreshesOf(scope, input.group, [refreshId]);
  if (!read) throw new Error(`instance refresh ${refreshId} of ${input.group} was not found after it started`);
  return { kind: 'started', ...seen(read) };
}

async function ownOrBusy(
  scope: ActingScope,
  input: { group: string; launchTemplateId: string; version: number; after?: string; startedAfter?: string },
): Promise<StartOutcome | undefined> {
  const all = await refreshesOf(scope, input.group);
  const refreshes = input.after === undefined ? all : newerThan(all, input.after);
  const since = input.startedAfter === undefined ? undefined : Date.parse(input.startedAfter);
  const current = (r: InstanceRefresh) =>
    since === undefined || ACTIVE.has(String(r.Status)) || (r.StartTime?.getTime() ?? 0) >= since;
  const ours = refreshes.find((r) => isOurs(r, input.launchTemplateId, input.version) && current(r));
  if (ours) return { kind: 'started', ...seen(ours) };
  const other = refreshes.find((r) => ACTIVE.has(String(r.Status)));
  if (other) {
    return {
      kind: 'busy',
      reason: `another instance refresh (${other.InstanceRefreshId}, ${other.Status}) is running on the group`,
    };
  }
  return undefined;
}

/**
 * The refreshes started after `refreshId`: by StartTime, which DescribeInstanceRefreshes reports; without one, by
 * position, taking the list as newest first (an assumption no AWS page states).
 */
function newerThan(all: InstanceRefresh[], refreshId: string): InstanceRefresh[] {
  const index = all.findIndex((r) => r.InstanceRefreshId === refreshId);
  if (index < 0) return all;
  const since = all[index]?.StartTime?.getTime();
  if (since === undefined) return all.slice(0, index);
  return all.filter((r) => r.InstanceRefreshId !== refreshId && (r.StartTime?.getTime() ?? 0) > since);
}

/**
 * The refresh a rollout started on a group and did not get to record (its step failed after StartInstanceRefresh):
 * the group's active refresh whose DesiredConfiguration names a version of the group's template that Goldsmith
 * created for this rollout: DescribeLaunchTemplateVersions reads the version's `VersionDescription` and `ImageId`
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeLaunchTemplateVersions.html). Undefined when
 * none is running.
 */
export function findOwnRefresh(
  scope: MemberScope,
  input: { group: string; launchTemplateId: string; description: string; imageId: string },
): Promise<(RefreshSeen & { version: number }) | undefined> {
  return asMember(scope, (acting) => findOwnRefreshAs(acting, input));
}

async function findOwnRefreshAs(
  scope: ActingScope,
  input: { group: string; launchTemplateId: string; description: string; imageId: string },
): Promise<(RefreshSeen & { version: number }) | undefined> {
  const mine = (await refreshesOf(scope, input.group)).filter(
    (r) => ACTIVE.has(String(r.Status)) && desiredTemplate(r)?.LaunchTemplateId === input.launchTemplateId,
  );
  for (const r of mine) {
    const version = Number(desiredTemplate(r)?.Version);
    if (!Number.isInteger(version)) continue;
    const out = await ec2Client(scope.region, scope.identity).send(
      new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateId: input.launchTemplateId,
        Versions: [String(version)],
      }),
    );
    const v = out.LaunchTemplateVersions?.[0];
    if (v?.VersionDescription === input.description && v.LaunchTemplateData?.ImageId === input.imageId) {
      return { ...seen(r), version };
    }
  }
  return undefined;
}

/** The current statuses of these refreshes of a group. */
export async function describeRefreshes(scope: MemberScope, group: string, ids: string[]): Promise<RefreshSeen[]> {
  if (ids.length === 0) return [];
  return asMember(scope, async (acting) => (await refreshesOf(acting, group, ids)).map(seen));
}

export { cancelRefresh, rollbackRefresh } from './rollout-refresh-stop.js';
