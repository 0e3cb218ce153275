import type { GroupSpec } from '../fakes/autoscaling-groups.js';
import type { LocalFakes } from '../fakes/install.js';
import type { TeamDeployAction } from './scenario-team.js';

/**
 * The shapes of real fleets' groups a scenario can give an account (`fleets[].shapes`), and a team's own deploy
 * between two rollouts (the `team-deploy` scenario event):
 * - `ecs-capacity-provider`: every instance protected from scale in, as an ECS capacity provider with managed
 *   termination protection requires of its group (NewInstancesProtectedFromScaleIn;
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-termination-protection.html);
 * - `standby`: the group's last instance in Standby (EnterStandby;
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-enter-exit-standby.html);
 * - `spot-mixed`: a mixed instances policy with three instance types, one On-Demand instance as base and 25 % On-Demand
 *   above it, the rest Spot by price-capacity-optimized
 *   (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html).
 */
export const groupShapes = ['ecs-capacity-provider', 'standby', 'spot-mixed'] as const;
export type GroupShape = (typeof groupShapes)[number];

/** The spot-mixed group's policy, as CreateAutoScalingGroup takes it. */
export const SPOT_MIXED_POLICY = {
  LaunchTemplate: {
    Overrides: [{ InstanceType: 'm6i.large' }, { InstanceType: 'm5.large' }, { InstanceType: 'm5a.large' }],
  },
  InstancesDistribution: {
    OnDemandBaseCapacity: 1,
    OnDemandPercentageAboveBaseCapacity: 25,
    SpotAllocationStrategy: 'price-capacity-optimized',
  },
} as const;

/** What a shape adds to a group's creation. */
export function shapeSpec(shape: GroupShape | undefined): Partial<GroupSpec> {
  switch (shape) {
    case 'ecs-capacity-provider':
      return { newInstancesProtectedFromScaleIn: true };
    case 'standby':
      return { standbyInstances: 1 };
    case 'spot-mixed':
      return {
        mixedInstancesPolicy: {
          LaunchTemplate: { Overrides: SPOT_MIXED_POLICY.LaunchTemplate.Overrides.map((o) => ({ ...o })) },
          InstancesDistribution: { ...SPOT_MIXED_POLICY.InstancesDistribution },
        },
      };
    case undefined:
      return {};
  }
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
}

/**
 * A team deploys its own launch template version, as its pipeline does: CreateLaunchTemplateVersion from the version
 * the group runs now (SourceVersion: every other setting kept, Goldsmith's AMI included) with its own instance type
 * and/or user data, UpdateAutoScalingGroup to that version, then an instance refresh without a desired configuration
 * (DesiredConfiguration is optional: https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StartInstanceRefresh.html). A group
 * that is not there, or a refresh under way, refuses it: the error names the account, Region and group.
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
    if (!g || !template || !version)
      throw new Error(`team-deploy: account ${deploy.account} has no group ${deploy.group} in ${region}`);
    const principal = teamPrincipal(deploy.account);
    const v = templates.addVersion(
      template,
      {
        ...(deploy.instanceType !== undefined && { InstanceType: deploy.instanceType }),
        ...(deploy.userData !== undefined && { UserData: Buffer.from(deploy.userData).toString('base64') }),
      },
      { sourceVersion: String(version.number), description: 'team deploy', principal },
    );
    const call = { service: 'autoscaling', body: undefined, region, accountId: deploy.account, principal };
    await autoscaling.handle({
      ...call,
      action: 'UpdateAutoScalingGroup',
      input: {
        AutoScalingGroupName: deploy.group,
        LaunchTemplate: { LaunchTemplateId: template.id, Version: String(v.number) },
      },
    });
    await autoscaling.handle({
      ...call,
      action: 'StartInstanceRefresh',
      input: { AutoScalingGroupName: deploy.group, Preferences: { MinHealthyPercentage: 50 } },
    });
    out.push({ region, launchTemplateId: template.id, version: v.number });
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
    group: `${action.image}-${action.channel}`,
    regions,
    instanceType: action.instanceType,
    userData: action.userData,
  });
}
