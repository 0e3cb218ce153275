import { isDeepStrictEqual } from 'node:util';
import type { Catalog } from '../../core/config/schema.js';
import { ROLLOUT_TAG, rolloutTagValue } from '../../core/names.js';
import { leftBehindOf } from '../../core/rollout/left-behind.js';
import type { GroupCall } from '../fakes/autoscaling.js';
import type { AutoScalingGroup } from '../fakes/autoscaling-groups.js';
import { type MixedPolicy, mixedPolicyOf } from '../fakes/autoscaling-mixed.js';
import type { InstanceRefresh } from '../fakes/autoscaling-refresh-types.js';
import type { LocalFakes } from '../fakes/install.js';
import type { LaunchTemplates, TemplateVersion } from '../fakes/launch-templates.js';
import { byRolloutRole } from './audit-rollout.js';
import { mixedPolicyInput, paramsOf } from './fleet-shapes.js';
import type { RolloutReport } from './report-rollouts.js';
import type { ScenarioFleet } from './scenario.js';

/**
 * The audit of what the rollout did to real fleets' groups, from the Auto Scaling and EC2 fakes' own state and records
 * (and the report's rollouts for the waves): a mixed-instances group keeps its instance types and On-Demand/Spot split
 * through every refresh; each refresh carries the channel's preference for protected and Standby instances and leaves
 * on the older version only the instances that preference leaves; a team's own template version (instance type,
 * user data) is never reverted; every wave of a finished rollout ended completed, or halted for a recorded reason.
 */

export interface ShapesInput {
  readonly groups: readonly AutoScalingGroup[];
  readonly refreshes: readonly InstanceRefresh[];
  readonly templates: LaunchTemplates;
  readonly channels: Catalog['channels'];
  readonly fleets: readonly ScenarioFleet[];
  readonly rollouts: readonly RolloutReport[];
  /** The calls that changed groups (a team's UpdateAutoScalingGroup with a new mixed instances policy among them). */
  readonly calls?: readonly GroupCall[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const where = (g: AutoScalingGroup) => `group ${g.name} in ${g.account} ${g.region}`;
/** A version's launch data but its AMI: what a team owns. */
const ownData = (v: TemplateVersion | undefined) => {
  const { ImageId: _ami, ...rest } = v?.data ?? {};
  return rest;
};

/**
 * The mixed instances policy a group has by its team's will at `at` (undefined: a plain group): the last one its team
 * set (UpdateAutoScalingGroup, a `team-deploy` with `spot`), else the one the scenario's shape gave it.
 */
function teamPolicy(input: ShapesInput, g: AutoScalingGroup, at: number): MixedPolicy | undefined {
  const set = (input.calls ?? [])
    .filter((c) => c.account === g.account && c.region === g.region && c.group === g.name && c.at <= at)
    .filter((c) => c.mixed !== undefined && !byRolloutRole(c.principal))
    .at(-1);
  if (set) return set.mixed;
  const spec = input.fleets.find((f) => g.tags.get(ROLLOUT_TAG) === rolloutTagValue(f.image, f.channel));
  const spot = paramsOf(spec?.shapes[g.account]).spot;
  return spot ? mixedPolicyOf(mixedPolicyInput(spot)) : undefined;
}

/** The latest version of the group's template that its team (not Goldsmith's rollout role) wrote before `at`. */
function teamVersion(templates: LaunchTemplates, g: AutoScalingGroup, at: number): TemplateVersion | undefined {
  const t = templates.get(g.launchTemplate.id);
  return t?.versions.filter((v) => !byRolloutRole(v.createdBy) && v.createdAt <= at).at(-1);
}

export function auditFleetShapes(input: ShapesInput): { problems: string[]; checks: Record<string, number> } {
  const problems: string[] = [];
  const checks = {
    'mixed-policy-kept': 0,
    'protected-standby-preference': 0,
    'team-version-kept': 0,
    'waves-ended': 0,
  };
  const ours = input.refreshes.filter((r) => byRolloutRole(r.principal) && r.desired);
  for (const g of input.groups) {
    if (!g.tags.has(ROLLOUT_TAG)) continue;
    const refreshes = ours.filter((r) => r.group === g);
    const channel = input.channels.find((c) => g.tags.get(ROLLOUT_TAG)?.endsWith(`/${c.name}`));
    for (const r of refreshes) {
      const at = `${where(g)}: the rollout's refresh ${r.id} at ${iso(r.startTime)}`;
      checks['mixed-policy-kept']++;
      const expected = teamPolicy(input, g, r.startTime);
      if (!isDeepStrictEqual(r.desired?.mixed, expected))
        problems.push(`${at} desired ${JSON.stringify(r.desired?.mixed)}, not the group's ${JSON.stringify(expected)}`);
      checks['protected-standby-preference']++;
      const want = channel?.rollout;
      if (
        want &&
        (r.prefs.protectedInstances !== want.protectedInstances || r.prefs.standbyInstances !== want.standbyInstances)
      )
        problems.push(
          `${at} sent ScaleInProtectedInstances ${r.prefs.protectedInstances} and StandbyInstances ${r.prefs.standbyInstances}, not the channel's ${want.protectedInstances} and ${want.standbyInstances}`,
        );
      checks['team-version-kept']++;
      const team = teamVersion(input.templates, g, r.startTime);
      const desired = input.templates.get(r.desired?.launchTemplateId ?? '')?.versions[(r.desired?.version ?? 0) - 1];
      if (team && !isDeepStrictEqual(ownData(desired), ownData(team)))
        problems.push(
          `${at} moved it to version ${r.desired?.version} (${JSON.stringify(ownData(desired))}), reverting its team's version ${team.number} (${JSON.stringify(ownData(team))})`,
        );
    }
    const expected = teamPolicy(input, g, Number.POSITIVE_INFINITY);
    if (!isDeepStrictEqual(g.mixedInstancesPolicy, expected))
      problems.push(
        `${where(g)} ends with the mixed instances policy ${JSON.stringify(g.mixedInstancesPolicy)}, not ${JSON.stringify(expected)}`,
      );
    // After its last refresh (the rollout's, Successful), only what the preference leaves is on an older version:
    // judged on the instances as the refresh left them (a team may lift protection or leave Standby afterwards).
    const last = input.refreshes.filter((r) => r.group === g).at(-1);
    if (last && refreshes.includes(last) && last.status === 'Successful' && last.desired) {
      const { versions: _versions, ...left } = leftBehindOf(
        (last.instancesAtEnd ?? g.instances).map((i) => ({
          // The fake reports each instance on its group's template (local/fakes/autoscaling-groups.ts).
          launchTemplateId: g.launchTemplate.id,
          version: String(i.version),
          protectedFromScaleIn: i.protectedFromScaleIn === true,
          ...(i.lifecycle && { lifecycleState: i.lifecycle }),
        })),
        last.desired.version,
        last.desired.launchTemplateId,
      );
      const allowed = {
        protected: last.prefs.protectedInstances !== 'Refresh',
        standby: last.prefs.standbyInstances !== 'Terminate',
      };
      if (left.other > 0 || (left.protected > 0 && !allowed.protected) || (left.standby > 0 && !allowed.standby))
        problems.push(
          `${where(g)}: its refresh ${last.id} ended Successful with ${JSON.stringify(left)} instance(s) on an older version than v${last.desired.version} (ScaleInProtectedInstances ${last.prefs.protectedInstances}, StandbyInstances ${last.prefs.standbyInstances})`,
        );
    }
  }
  for (const r of input.rollouts) {
    if (r.state === 'running' || r.state === 'paused') continue;
    checks['waves-ended']++;
    const name = `${r.image} ${r.version} ${r.channel} rollout (${r.state})`;
    const open = r.waves.find((w) => w.state === 'refreshing' || w.state === 'baking');
    if (open) problems.push(`${name}: wave ${open.name} still ${open.state}`);
    if (r.state === 'completed' && r.waves.some((w) => w.state !== 'healthy' && w.state !== 'skipped'))
      problems.push(`${name}: completed with a wave neither healthy nor skipped`);
    if (r.state === 'halted' && (!r.reason || !r.waves.some((w) => w.state === 'failed' || w.state === 'rolled-back')))
      problems.push(`${name}: halted without a reason or a failed or rolled-back wave`);
  }
  return { problems, checks };
}

/** The audit on a run's local cloud, its scenario's fleets and its report's rollouts. */
export function fleetShapesAudit(
  cloud: {
    readonly catalog: Catalog;
    readonly installed: { readonly fakes: Pick<LocalFakes, 'autoscaling' | 'ec2'> };
  },
  scenario: { readonly fleets: readonly ScenarioFleet[] },
  report: { readonly rollouts: readonly RolloutReport[] },
): { problems: string[]; checks: Record<string, number> } {
  const { autoscaling, ec2 } = cloud.installed.fakes;
  if (!ec2.templates) return { problems: [], checks: {} };
  return auditFleetShapes({
    groups: autoscaling.groups.all(),
    refreshes: autoscaling.refreshes,
    templates: ec2.templates,
    channels: cloud.catalog.channels,
    fleets: scenario.fleets,
    rollouts: report.rollouts,
    calls: autoscaling.calls,
  });
}
