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
  /**
   * The launch template versions the left instances run, each with its count (`template` set only for another
   * template than the refresh's); absent from a record read before they were kept.
   */
  versions?: LeftVersion[];
  moved?: number;
  unready?: number;
  protected: number;
  standby: number;
  other: number;
}

/** A launch template version instances were left on, and how many (`version` absent: no launch template). */
export interface LeftVersion {
  version?: string;
  template?: string;
  instances: number;
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
  const versions: LeftVersion[] = [];
  for (const i of instances) {
    if (i.version === String(toVersion) && i.launchTemplateId === launchTemplateId) {
      if (i.lifecycleState === 'InService' && i.healthStatus === 'Healthy') out.moved += 1;
      else out.unready += 1;
      continue;
    }
    out.instances += 1;
    // Each left instance's own version: the group's previous version need not be the one it was launched from.
    const template = i.launchTemplateId === launchTemplateId ? undefined : i.launchTemplateId;
    const on = versions.find((v) => v.version === i.version && v.template === template);
    if (on) on.instances += 1;
    else
      versions.push({
        ...(i.version !== undefined && { version: i.version }),
        ...(template && { template }),
        instances: 1,
      });
    if (i.lifecycleState?.startsWith('Standby')) out.standby += 1;
    else if (i.protectedFromScaleIn) out.protected += 1;
    else out.other += 1;
  }
  return out.instances > 0 ? { ...out, versions } : out;
}

/** `v1`, `v1 (2), v2 (1)`, `lt-0abc v7`: where left instances are, by their own versions; undefined when not kept. */
export function leftVersionsText(l: LeftBehind | undefined): string | undefined {
  const versions = l?.versions;
  if (!versions || versions.length === 0) return undefined;
  const name = (v: LeftVersion) =>
    v.version === undefined ? 'no launch template' : `${v.template ? `${v.template} ` : ''}v${v.version}`;
  if (versions.length === 1 && versions[0]) return name(versions[0]);
  return versions.map((v) => `${name(v)} (${v.instances})`).join(', ');
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
