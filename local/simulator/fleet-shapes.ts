import type { GroupSpec } from '../fakes/autoscaling-groups.js';
import type { LocalFakes } from '../fakes/install.js';
import type { SpotSpec, TeamDeployAction } from './scenario-team.js';

/**
 * The shapes of real fleets' groups a scenario can give an account (`fleets[].shapes`), and a team's own deploy
 * between two rollouts (the `team-deploy` scenario event). A shape is named or given by its parameters:
 * - `ecs-capacity-provider`: every instance protected from scale in, as an ECS capacity provider with managed
 *   termination protection requires of its group (NewInstancesProtectedFromScaleIn;
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-termination-protection.html);
 *   as parameters, `{ "protected": "all" }`; `{ "protected": N }` protects the group's first N (SetInstanceProtection);
 * - `standby`: the group's last instance in Standby (EnterStandby;
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-enter-exit-standby.html); `{ "standby": N }` its last N;
 * - `spot-mixed`: a mixed instances policy with three instance types, one On-Demand instance as base and 25 % On-Demand
 *   above it, the rest Spot by price-capacity-optimized
 *   (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html); `{ "spot": { "types",
 *   "onDemandBase", "onDemandPercentage", "allocation" } }` any other;
 * - `{ "groups": N }`: N such groups in each Region instead of one (a team's web and worker tiers), each with its own
 *   tagged launch template and the fleet's `instances`;
 * - `{ "launchHookSeconds": N }`: a launching lifecycle hook its bootstrap completes N seconds after each launch
 *   (30–7200, the hook's HeartbeatTimeout range: https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutLifecycleHook.html),
 *   so each refresh batch takes N seconds longer: the refresh counts an instance once it is InService and warmed up
 *   (https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-overview.html).
 */
export const groupShapes = ['ecs-capacity-provider', 'standby', 'spot-mixed'] as const;
export type GroupShape = (typeof groupShapes)[number];

/** A shape by its parameters (scenario.ts validates them against the fleet's `instances`). */
export interface ShapeParams {
  readonly protected?: number | 'all' | undefined;
  readonly standby?: number | undefined;
  readonly spot?: SpotSpec | undefined;
  /** How many such groups the account runs in each Region (`<image>-<channel>`, then `-2`, `-3`, …). */
  readonly groups?: number | undefined;
  /** A launching lifecycle hook the team's bootstrap completes this many seconds after each launch. */
  readonly launchHookSeconds?: number | undefined;
}

/** The spot-mixed shape's parameters. */
export const SPOT_MIXED: SpotSpec = {
  types: ['m6i.large', 'm5.large', 'm5a.large'],
  onDemandBase: 1,
  onDemandPercentage: 25,
  allocation: 'price-capacity-optimized',
};

const NAMED: Record<GroupShape, ShapeParams> = {
  'ecs-capacity-provider': { protected: 'all' },
  standby: { standby: 1 },
  'spot-mixed': { spot: SPOT_MIXED },
};

/** A shape's parameters, whether named or given. */
export const paramsOf = (shape: GroupShape | ShapeParams | undefined): ShapeParams =>
  typeof shape === 'string' ? NAMED[shape] : (shape ?? {});

/**
 * A scenario's Spot parameters as CreateAutoScalingGroup and UpdateAutoScalingGroup take a MixedInstancesPolicy (the
 * latter with the group's `LaunchTemplateSpecification` inside).
 */
export function mixedPolicyInput(spot: SpotSpec, specification?: { LaunchTemplateId: string; Version: string }) {
  return {
    LaunchTemplate: {
      ...(specification && { LaunchTemplateSpecification: specification }),
      Overrides: spot.types.map((InstanceType) => ({ InstanceType })),
    },
    InstancesDistribution: {
      OnDemandBaseCapacity: spot.onDemandBase,
      OnDemandPercentageAboveBaseCapacity: spot.onDemandPercentage,
      SpotAllocationStrategy: spot.allocation,
    },
  };
}

/** The names of an account's groups that follow a fleet's channel: `<image>-<channel>`, then `-2`, `-3`, …. */
export function groupNamesOf(image: string, channel: string, shape: GroupShape | ShapeParams | undefined): string[] {
  const n = paramsOf(shape).groups ?? 1;
  return Array.from({ length: n }, (_, i) => (i === 0 ? `${image}-${channel}` : `${image}-${channel}-${i + 1}`));
}

/** What a shape adds to a group's creation. */
export function shapeSpec(shape: GroupShape | ShapeParams | undefined): Partial<GroupSpec> {
  const p = paramsOf(shape);
  return {
    ...(p.protected === 'all' && { newInstancesProtectedFromScaleIn: true }),
    ...(typeof p.protected === 'number' && { protectedInstances: p.protected }),
    ...(p.standby !== undefined && { standbyInstances: p.standby }),
    ...(p.spot && { mixedInstancesPolicy: mixedPolicyInput(p.spot) }),
    ...(p.launchHookSeconds !== undefined && { launchHookSeconds: p.launchHookSeconds }),
  };
}

/** The principal a member team's own calls are made as (not Goldsmith's). */
export const teamPrincipal = (account: string) => `arn:aws:sts::${account}:assumed-role/platform-team/deploy`;

/** What a team's own deploy writes into its new template version. */
export interface TeamDeploy {
  readonly account: string;
  readonly group: string;
  readonly regions: readonly string[];
  readonly instanceType?: string | undefined;
  readonly userData?: string | undefined;
  /** An existing version of the group's template to set the group to (instead of a new one). */
  readonly launchTemplateVersion?: number | undefined;
  /** A new mixed instances policy for the group. */
  readonly spot?: SpotSpec | undefined;
}

/**
 * A team deploys on its group, as its pipeline does: CreateLaunchTemplateVersion from the version the group runs now
 * (SourceVersion: every other setting kept, Goldsmith's AMI included) with its own instance type and/or user data, or
 * an existing version of the template (`launchTemplateVersion`, its AMI with it: DescribeLaunchTemplateVersions'
 * version must exist); UpdateAutoScalingGroup to that version, with its new mixed instances policy where it gives one
 * (UpdateAutoScalingGroup takes a LaunchTemplate or a MixedInstancesPolicy:
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_UpdateAutoScalingGroup.html); then an instance refresh
 * without a desired configuration (DesiredConfiguration is optional:
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StartInstanceRefresh.html). A group that is not there,
 * a version its template lacks, or a refresh under way refuses it: the error names the account, Region and group.
 */
export async function teamDeploy(
  fakes: Pick<LocalFakes, 'autoscaling' | 'ec2'>,
  deploy: TeamDeploy,
): Promise<{ region: string; launchTemplateId: string; version: number }[]> {
  const { autoscaling, ec2 } = fakes;
  const templates = ec2.templates;
  if (!templates) throw new Error('team-deploy: the local cloud has no launch templates');
  const out: { region: string; launchTemplateId: string; version: number }[] = [];
  for (const region of deploy.regions) {
    const g = autoscaling.groups.get(deploy.account, region, deploy.group);
    const { template, version } = g ? autoscaling.groups.configOf(g) : { template: undefined, version: undefined };
    const where = `account ${deploy.account} ${region} group ${deploy.group}`;
    if (!g || !template || !version)
      throw new Error(`team-deploy: account ${deploy.account} has no group ${deploy.group} in ${region}`);
    const principal = teamPrincipal(deploy.account);
    const changes = {
      ...(deploy.instanceType !== undefined && { InstanceType: deploy.instanceType }),
      ...(deploy.userData !== undefined && { UserData: Buffer.from(deploy.userData).toString('base64') }),
    };
    let number = version.number;
    if (deploy.launchTemplateVersion !== undefined) {
      number = deploy.launchTemplateVersion;
      if (!templates.resolve(template, String(number)))
        throw new Error(`team-deploy: ${where}: its template ${template.id} has no version ${number}`);
    } else if (Object.keys(changes).length > 0)
      number = templates.addVersion(template, changes, {
        sourceVersion: String(version.number),
        description: 'team deploy',
        principal,
      }).number;
    const call = { service: 'autoscaling', body: undefined, region, accountId: deploy.account, principal };
    const lt = { LaunchTemplateId: template.id, Version: String(number) };
    await autoscaling.handle({
      ...call,
      action: 'UpdateAutoScalingGroup',
      input: {
        AutoScalingGroupName: deploy.group,
        ...(deploy.spot ? { MixedInstancesPolicy: mixedPolicyInput(deploy.spot, lt) } : { LaunchTemplate: lt }),
      },
    });
    await autoscaling.handle({
      ...call,
      action: 'StartInstanceRefresh',
      input: { AutoScalingGroupName: deploy.group, Preferences: { MinHealthyPercentage: 50 } },
    });
    out.push({ region, launchTemplateId: template.id, version: number });
  }
  return out;
}

/** The scenario's `team-deploy` event, on the local cloud (its fleet group is `<image>-<channel>`). */
export async function teamDeployAction(
  cloud: {
    readonly installed: { readonly fakes: Pick<LocalFakes, 'autoscaling' | 'ec2'> };
    readonly catalog: { readonly images: Record<string, { readonly regions: readonly string[] }> };
  },
  action: TeamDeployAction,
): Promise<void> {
  const regions = action.region ? [action.region] : (cloud.catalog.images[action.image]?.regions ?? []);
  await teamDeploy(cloud.installed.fakes, {
    account: action.account,
    group: action.group ?? `${action.image}-${action.channel}`,
    regions,
    instanceType: action.instanceType,
    userData: action.userData,
    launchTemplateVersion: action.launchTemplateVersion,
    spot: action.spot,
  });
}
