import { createHash } from 'node:crypto';
import { AutoScalingServiceException } from '@aws-sdk/client-auto-scaling';
import { describedPolicy, type MixedPolicy, mixedPolicyOf } from './autoscaling-mixed.js';
import { asArray, errorFactory, paginate } from './common.js';
import type { LaunchTemplates, MemberTemplate, TemplateVersion } from './launch-templates.js';

/**
 * Member accounts' Auto Scaling groups, per account and Region: launch template and version, capacity, instances
 * and tags, with DescribeAutoScalingGroups' tag filters and pagination
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeAutoScalingGroups.html: MaxRecords default 50,
 * maximum 100).
 */

export const asErr = errorFactory(AutoScalingServiceException);

export interface GroupInstance {
  readonly instanceId: string;
  /** The template version it was launched from. */
  readonly version: number;
  readonly imageId: string;
  /** Scale-in protection (SetInstanceProtection, or the group's NewInstancesProtectedFromScaleIn at launch). */
  protectedFromScaleIn?: boolean;
  /** `Standby` after EnterStandby, until ExitStandby; absent: `InService`. */
  lifecycle?: 'Standby';
}

export interface AutoScalingGroup {
  readonly name: string;
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  /** The group's launch template and its `Version` as given (`$Latest`, `$Default` or a number). */
  launchTemplate: { id: string; version: string };
  /** Its mixed instances policy (instance types, On-Demand/Spot distribution), or none. */
  mixedInstancesPolicy: MixedPolicy | undefined;
  /**
   * Every instance it launches is protected from scale in: what an ECS capacity provider with managed termination
   * protection needs of its group (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-termination-protection.html).
   */
  newInstancesProtectedFromScaleIn: boolean;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  defaultInstanceWarmup: number | undefined;
  healthCheckGracePeriod: number;
  /**
   * A launching lifecycle hook the team's bootstrap completes this many seconds after each launch (CompleteLifecycleAction
   * within the hook's HeartbeatTimeout, 30–7200 s: https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutLifecycleHook.html):
   * every new instance waits in Pending:Wait that long before it goes InService and its warm-up starts.
   */
  launchHookSeconds: number | undefined;
  readonly tags: Map<string, string>;
  instances: GroupInstance[];
  readonly createdAt: number;
}

export interface GroupSpec {
  readonly account: string;
  readonly region: string;
  readonly name: string;
  readonly launchTemplateId: string;
  readonly version?: string;
  readonly desiredCapacity: number;
  readonly minSize?: number;
  readonly maxSize?: number;
  readonly tags?: Record<string, string>;
  /** A mixed instances policy: its overrides and distribution as CreateAutoScalingGroup would take them. */
  readonly mixedInstancesPolicy?: Parameters<typeof mixedPolicyOf>[0];
  readonly newInstancesProtectedFromScaleIn?: boolean;
  /** How many of its first instances a team protected from scale in by hand (SetInstanceProtection). */
  readonly protectedInstances?: number;
  /** How many of its last instances a team put in Standby (EnterStandby). */
  readonly standbyInstances?: number;
  readonly defaultInstanceWarmup?: number;
  readonly healthCheckGracePeriod?: number;
  readonly launchHookSeconds?: number;
}

/** The group's ARN, with a UUID fixed by account, Region and name (deterministic runs). */
function groupArn(account: string, region: string, name: string): string {
  const h = createHash('sha256').update(`${account}/${region}/${name}`).digest('hex');
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  return `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:${uuid}:autoScalingGroupName/${name}`;
}

export class AutoScalingGroups {
  private readonly groups = new Map<string, AutoScalingGroup>();

  constructor(readonly templates: LaunchTemplates) {}

  private static key(account: string, region: string, name: string): string {
    return `${account}/${region}/${name}`;
  }

  create(spec: GroupSpec): AutoScalingGroup {
    const key = AutoScalingGroups.key(spec.account, spec.region, spec.name);
    // https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateAutoScalingGroup.html: AlreadyExists.
    if (this.groups.has(key))
      throw asErr(
        'AlreadyExists',
        `AutoScalingGroup by this name already exists - A group with the name ${spec.name} already exists`,
      );
    const group: AutoScalingGroup = {
      name: spec.name,
      arn: groupArn(spec.account, spec.region, spec.name),
      account: spec.account,
      region: spec.region,
      launchTemplate: { id: spec.launchTemplateId, version: spec.version ?? '$Default' },
      mixedInstancesPolicy: spec.mixedInstancesPolicy ? mixedPolicyOf(spec.mixedInstancesPolicy) : undefined,
      newInstancesProtectedFromScaleIn: spec.newInstancesProtectedFromScaleIn ?? false,
      minSize: spec.minSize ?? 0,
      maxSize: spec.maxSize ?? Math.max(spec.desiredCapacity, 1),
      desiredCapacity: spec.desiredCapacity,
      defaultInstanceWarmup: spec.defaultInstanceWarmup,
      healthCheckGracePeriod: spec.healthCheckGracePeriod ?? 0,
      launchHookSeconds: spec.launchHookSeconds,
      tags: new Map(Object.entries(spec.tags ?? {})),
      instances: [],
      createdAt: this.templates.now(),
    };
    this.groups.set(key, group);
    return group;
  }

  get(account: string, region: string, name: string): AutoScalingGroup | undefined {
    return this.groups.get(AutoScalingGroups.key(account, region, name));
  }

  /** The group a call names, or the ValidationError Auto Scaling answers for a missing one. */
  named(account: string, region: string, name: unknown): AutoScalingGroup {
    if (typeof name !== 'string' || name === '') throw asErr('ValidationError', 'AutoScalingGroupName is required');
    const g = this.get(account, region, name);
    // The observed wording (https://github.com/cloud-custodian/cloud-custodian/issues/380).
    if (!g) throw asErr('ValidationError', `AutoScalingGroup name not found - AutoScalingGroup ${name} not found`);
    return g;
  }

  all(): AutoScalingGroup[] {
    return [...this.groups.values()];
  }

  /** The template of a group and the version its `Version` names now. */
  configOf(g: AutoScalingGroup): { template: MemberTemplate | undefined; version: TemplateVersion | undefined } {
    const template = this.templates.get(g.launchTemplate.id);
    return { template, version: template ? this.templates.resolve(template, g.launchTemplate.version) : undefined };
  }

  /** DescribeAutoScalingGroups: names, then tag filters (every filter must match, any of its values), paginated. */
  describe(account: string, region: string, input: Record<string, unknown>): unknown {
    const names = asArray<string>(input.AutoScalingGroupNames);
    const filters = asArray<{ Name?: string; Values?: string[] }>(input.Filters);
    const matches = (g: AutoScalingGroup) =>
      filters.every((f) => {
        const values = f.Values ?? [];
        if (f.Name?.startsWith('tag:')) {
          const v = g.tags.get(f.Name.slice(4));
          return v !== undefined && values.includes(v);
        }
        if (f.Name === 'tag-key') return values.some((k) => g.tags.has(k));
        if (f.Name === 'tag-value') return [...g.tags.values()].some((v) => values.includes(v));
        throw asErr('ValidationError', `Filter name ${String(f.Name)} is not valid`);
      });
    const list = this.all()
      .filter((g) => g.account === account && g.region === region)
      .filter((g) => names.length === 0 || names.includes(g.name))
      .filter(matches)
      .sort((a, b) => a.name.localeCompare(b.name));
    const page = paginate(list, input.MaxRecords, input.NextToken, {
      max: 100,
      defaultSize: 50,
      invalidToken: () => asErr('InvalidNextToken', 'The token is not valid.'),
    });
    return { AutoScalingGroups: page.items.map((g) => this.shape(g)), NextToken: page.nextToken };
  }

  private shape(g: AutoScalingGroup): Record<string, unknown> {
    const template = this.templates.get(g.launchTemplate.id);
    const lt = {
      LaunchTemplateId: g.launchTemplate.id,
      LaunchTemplateName: template?.name,
      Version: g.launchTemplate.version,
    };
    return {
      AutoScalingGroupName: g.name,
      AutoScalingGroupARN: g.arn,
      ...(g.mixedInstancesPolicy
        ? { MixedInstancesPolicy: describedPolicy(g.mixedInstancesPolicy, lt) }
        : { LaunchTemplate: lt }),
      MinSize: g.minSize,
      MaxSize: g.maxSize,
      DesiredCapacity: g.desiredCapacity,
      DefaultCooldown: 300,
      AvailabilityZones: [`${g.region}a`],
      HealthCheckType: 'EC2',
      HealthCheckGracePeriod: g.healthCheckGracePeriod,
      ...(g.defaultInstanceWarmup !== undefined ? { DefaultInstanceWarmup: g.defaultInstanceWarmup } : {}),
      CreatedTime: new Date(g.createdAt),
      NewInstancesProtectedFromScaleIn: g.newInstancesProtectedFromScaleIn,
      Instances: g.instances.map((i) => ({
        InstanceId: i.instanceId,
        AvailabilityZone: `${g.region}a`,
        LifecycleState: i.lifecycle ?? 'InService',
        HealthStatus: 'Healthy',
        LaunchTemplate: { ...lt, Version: String(i.version) },
        ProtectedFromScaleIn: i.protectedFromScaleIn === true,
      })),
      Tags: [...g.tags].map(([Key, Value]) => ({
        ResourceId: g.name,
        ResourceType: 'auto-scaling-group',
        Key,
        Value,
        PropagateAtLaunch: true,
      })),
    };
  }
}
