import { createHash } from 'node:crypto';
import { ROLLOUT_TAG, rolloutTagValue } from '../../core/names.js';
import { channelParameterName } from '../../stacks/names.js';
import type { VirtualClock } from '../clock.js';
import type { RefreshMove } from '../fakes/autoscaling-refresh-types.js';
import type { LocalFakes } from '../fakes/install.js';
import { groupNamesOf, shapeSpec, teamPrincipal } from './fleet-shapes.js';
import type { Scenario, ScenarioFleet } from './scenario.js';

/**
 * Member accounts' Auto Scaling groups in the local cloud, for the fleets that opt in to the rollout
 * (`fleets[].rollout`): a group and launch template tagged `goldsmith:follow=<image>/<channel>` naming the AMI in
 * version 1, moved afterwards only by the rollout's refreshes; and, among the fleet's other accounts, tagged groups
 * whose template names its AMI by `resolve:ssm:` (not rollout-ready), which their teams refresh by hand. The scenario's
 * `faults.alarms` and `faults.refreshFailures` act on these groups.
 */

/** How a fleet account's group is run. `manual`: today's fleets (no group in the Auto Scaling fake). */
export type GroupMode = 'manual' | 'rollout' | 'parameter';

/** Of the accounts outside the rollout share, those that run a tagged parameter-based template. */
const PARAMETER_SHARE = 0.25;
const HOUR = 3_600_000;
const UNIT: Record<string, number> = { m: 60_000, h: HOUR, d: 24 * HOUR };

/** A number in [0, 1) from the scenario's seed and the given parts: each team's choices are fixed by the seed. */
export function unit(seed: number, ...parts: string[]): number {
  return (
    createHash('sha256')
      .update(`${seed}|${parts.join('|')}`)
      .digest()
      .readUInt32BE(0) /
    2 ** 32
  );
}

export function groupModeOf(seed: number, spec: ScenarioFleet, account: string): GroupMode {
  if (spec.rollout === undefined) return 'manual';
  const share = spec.rollout === true ? 1 : spec.rollout;
  if (unit(seed, 'rollout', spec.image, spec.channel, account) < share) return 'rollout';
  return unit(seed, 'parameter', spec.image, spec.channel, account) < PARAMETER_SHARE ? 'parameter' : 'manual';
}

export const groupNameOf = (spec: ScenarioFleet): string => `${spec.image}-${spec.channel}`;

/** What the groups need of the local cloud: its fakes and its clock. */
export interface FleetGroupsCloud {
  readonly installed: { readonly fakes: Pick<LocalFakes, 'autoscaling' | 'alarms' | 'organizations' | 'ec2'> };
  readonly clock: VirtualClock;
}

export class FleetGroups {
  /** When Auto Scaling's next refresh steps are armed (a saved cloud keeps it). */
  scheduledAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly cloud: FleetGroupsCloud,
    private readonly scenario: Pick<Scenario, 'faults'>,
    onMove: (move: RefreshMove) => void,
  ) {
    const { autoscaling } = cloud.installed.fakes;
    autoscaling.onMove = onMove;
    // Refresh steps run at their virtual times, whether or not anyone calls Auto Scaling then.
    autoscaling.onDue = (at) => {
      if (at >= this.scheduledAt) return;
      this.armRefreshes(Math.max(at, cloud.clock.now()));
    };
    autoscaling.replacementFailure = (account, region) => this.failure(account, region);
  }

  /** Auto Scaling's refresh steps due at `at` (also a saved cloud's pending ones, armed again). */
  armRefreshes(at: number): void {
    this.scheduledAt = at;
    this.cloud.clock.schedule(
      at,
      'auto scaling refreshes',
      () => {
        this.scheduledAt = Number.POSITIVE_INFINITY;
        this.cloud.installed.fakes.autoscaling.advance();
      },
      { kind: 'auto scaling refreshes' },
    );
  }

  /** The accounts a fault names: the account, or every account under the OU. */
  private accountsOf(target: { account: string } | { ou: string }): string[] {
    return 'account' in target ? [target.account] : this.cloud.installed.fakes.organizations.accountsUnder(target.ou);
  }

  private failure(account: string, _region: string): string | undefined {
    const now = this.cloud.clock.now();
    const hit = this.scenario.faults.refreshFailures.find(
      (f) =>
        this.accountsOf(f).includes(account) &&
        (f.from === undefined || Date.parse(f.from) <= now) &&
        (f.until === undefined || now < Date.parse(f.until)),
    );
    return hit ? 'new instances failed their health checks (the scenario’s refresh failure)' : undefined;
  }

  /** Puts the scenario's alarms on the clock: ALARM at `at`, OK again `for` later, in every Region. */
  scheduleAlarms(regions: readonly string[]): void {
    for (const [index, a] of this.scenario.faults.alarms.entries()) {
      const m = /^(\d+)([mhd])$/.exec(a.for);
      const forMs = m ? Number(m[1]) * (UNIT[m[2] ?? 'h'] ?? HOUR) : HOUR;
      this.armAlarm(index, 'ALARM', regions, Date.parse(a.at));
      this.armAlarm(index, 'OK', regions, Date.parse(a.at) + forMs);
    }
  }

  /** The scenario's alarm `index` set to `state` in `regions` at `at` (also a saved cloud's pending one). */
  armAlarm(index: number, state: 'ALARM' | 'OK', regions: readonly string[], at: number): void {
    const a = this.scenario.faults.alarms[index];
    if (!a) throw new Error(`the scenario has no alarm ${index}`);
    const { alarms } = this.cloud.installed.fakes;
    const label = state === 'ALARM' ? `alarm ${a.alarm} in ALARM` : `alarm ${a.alarm} back to OK`;
    this.cloud.clock.schedule(
      at,
      label,
      () => {
        for (const account of this.accountsOf(a)) for (const r of regions) alarms.set(account, r, a.alarm, state);
      },
      { kind: 'fleet alarm', data: { index, state, regions } },
    );
  }

  /**
   * The first launch of a rollout or parameter account: its tagged template and group (a rollout account's shape may
   * ask for several), with `instances` running in each, shaped as the fleet's `shapes` says for a rollout account
   * (fleet-shapes.ts).
   */
  launch(mode: GroupMode, spec: ScenarioFleet, account: string, region: string, ami: string): string[] {
    const { ec2, autoscaling } = this.cloud.installed.fakes;
    const templates = ec2.templates;
    if (!templates) return [];
    const tags = { [ROLLOUT_TAG]: rolloutTagValue(spec.image, spec.channel) };
    const imageRef = mode === 'parameter' ? `resolve:ssm:${channelParameterName(spec.image, spec.channel)}` : ami;
    const shape = mode === 'rollout' ? spec.shapes[account] : undefined;
    return groupNamesOf(spec.image, spec.channel, shape).flatMap((name) => {
      const template = templates.create(account, region, `${name}-lt`, { ImageId: imageRef }, tags);
      const group = autoscaling.createGroup({
        account,
        region,
        name,
        launchTemplateId: template.id,
        version: '1',
        desiredCapacity: spec.instances,
        tags,
        // The shape the scenario gives this account's group (ECS capacity provider, Standby, Spot mixed instances).
        ...shapeSpec(shape),
      });
      return group.instances.map((i) => i.instanceId);
    });
  }

  /** A parameter-based group's team moves it: a refresh without a desired configuration (the parameter resolves anew). */
  teamRefresh(spec: ScenarioFleet, account: string, region: string): void {
    const { autoscaling } = this.cloud.installed.fakes;
    const call = {
      service: 'autoscaling',
      action: 'StartInstanceRefresh',
      input: { AutoScalingGroupName: groupNameOf(spec), Preferences: { MinHealthyPercentage: 50 } },
      body: undefined,
      region,
      accountId: account,
      principal: teamPrincipal(account),
    };
    // A refresh already running (the team's previous one) refuses it: the team tries on its next move.
    autoscaling.handle(call).catch(() => undefined);
  }
}
