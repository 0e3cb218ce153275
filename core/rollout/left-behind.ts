/**
 * Instances a successful refresh left on an older launch template version, and why. A refresh told to `Ignore`
 * protected or Standby instances "ignores instances that are protected from scale in [in Standby] and continues to
 * replace instances that are not" (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html),
 * so a group can be `Successful` with some of its instances still on the AMI before. Pure: counted from
 * DescribeAutoScalingGroups' `Instances` (each one's `LaunchTemplate.LaunchTemplateId` and `Version`,
 * `ProtectedFromScaleIn`, `LifecycleState`, `HealthStatus`:
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_Instance.html). Moved means launched from the refresh's
 * own template at its version, `InService` and `Healthy`: an instance at the same version number of another template,
 * or one still `Pending`, `Terminating`, `Detaching` or `Unhealthy`, proves nothing.
 */

/**
 * How many instances a refresh left on an older version, by why: Standby, protected from scale in, or neither; and
 * how many it moved (on the refresh's template and version, InService and Healthy). `moved` is absent from a record
 * read before it was counted: unknown. `unready`: on the refresh's template and version but not (yet) InService and
 * Healthy; absent from a record read before they were told apart.
 */
export interface LeftBehind {
  instances: number;
  moved?: number;
  unready?: number;
  protected: number;
  standby: number;
  other: number;
}

/** One instance as DescribeAutoScalingGroups reports it. */
export interface InstanceView {
  launchTemplateId?: string;
  version?: string;
  protectedFromScaleIn: boolean;
  lifecycleState?: string;
  healthStatus?: string;
}

/**
 * The instances of a group not on `toVersion` of `launchTemplateId` (a Standby instance is counted as Standby even when
 * protected too), those moved to it (InService and Healthy), and those on it not yet InService and Healthy.
 */
export function leftBehindOf(
  instances: readonly InstanceView[],
  toVersion: number,
  launchTemplateId: string,
): LeftBehind {
  const out = { instances: 0, moved: 0, unready: 0, protected: 0, standby: 0, other: 0 };
  for (const i of instances) {
    if (i.version === String(toVersion) && i.launchTemplateId === launchTemplateId) {
      if (i.lifecycleState === 'InService' && i.healthStatus === 'Healthy') out.moved += 1;
      else out.unready += 1;
      continue;
    }
    out.instances += 1;
    if (i.lifecycleState?.startsWith('Standby')) out.standby += 1;
    else if (i.protectedFromScaleIn) out.protected += 1;
    else out.other += 1;
  }
  return out;
}

/** `3 instances (2 protected from scale in, 1 in Standby)`; empty when none. */
export function leftBehindText(l: LeftBehind | undefined): string {
  if (!l || l.instances === 0) return '';
  const why = [
    l.protected > 0 && `${l.protected} protected from scale in`,
    l.standby > 0 && `${l.standby} in Standby`,
    l.other > 0 && `${l.other} for another reason`,
  ].filter((p): p is string => typeof p === 'string');
  return `${l.instances} instance${l.instances === 1 ? '' : 's'} (${why.join(', ')})`;
}

/** What sumLeftBehind reads of a wave's group (record.ts's RolloutGroup): its left-behind count and its move back. */
interface GroupLeft {
  leftBehind?: LeftBehind;
  back?: unknown;
}

/**
 * Whether a group's refresh ended `Successful` having moved none of its instances: every one it has is still on an
 * older version (all protected from scale in or in Standby, which the refresh was told to `Ignore`) or not yet
 * InService and Healthy on the new one. A group with no
 * instance at all moved nothing either but left nothing behind: not counted. Unknown (`moved` not counted): no.
 */
export function movedNothing(g: GroupLeft): boolean {
  const l = g.leftBehind;
  return !g.back && l !== undefined && l.moved === 0 && l.instances + (l.unready ?? 0) > 0;
}

/**
 * The groups' left-behind instances added up, with how many groups left any and how many of those moved none
 * (`unmoved`); groups moved back are not counted.
 */
export function sumLeftBehind(groups: readonly GroupLeft[]): LeftBehind & { groups: number; unmoved: number } {
  const out = { groups: 0, unmoved: 0, instances: 0, protected: 0, standby: 0, other: 0 };
  for (const g of groups) {
    const l = g.leftBehind;
    if (!l || l.instances === 0 || g.back) continue;
    out.groups += 1;
    if (movedNothing(g)) out.unmoved += 1;
    out.instances += l.instances;
    out.protected += l.protected;
    out.standby += l.standby;
    out.other += l.other;
  }
  return out;
}
