/**
 * A group's mixed instances policy in the local cloud: its instance-type overrides and its On-Demand/Spot
 * distribution. "For any mixed instances policy parameters not provided in the desired configuration, Amazon EC2 Auto
 * Scaling resets the parameter value to a default value"
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-instance-refresh-skip-matching.html#skip-matching-mixed-instances-group):
 * a desired configuration's policy is read with the defaults of
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html filled in, and one that
 * names only a LaunchTemplate gives the group no policy at all (the fake's reading: none of the policy's parameters is
 * provided, so nothing of it is kept).
 */

export interface MixedOverride {
  readonly InstanceType?: string;
  readonly WeightedCapacity?: string;
}

export interface MixedDistribution {
  readonly OnDemandAllocationStrategy: string;
  readonly OnDemandBaseCapacity: number;
  readonly OnDemandPercentageAboveBaseCapacity: number;
  readonly SpotAllocationStrategy: string;
  readonly SpotInstancePools?: number;
  /** Absent: the On-Demand price ("except for SpotMaxPrice", no default is filled in). */
  readonly SpotMaxPrice?: string;
}

export interface MixedPolicy {
  readonly overrides: readonly MixedOverride[];
  readonly distribution: MixedDistribution;
}

/** A group's or a desired configuration's policy as given, its unspecified parameters at AWS's defaults. */
export function mixedPolicyOf(raw: {
  LaunchTemplate?: { Overrides?: readonly MixedOverride[] };
  InstancesDistribution?: Partial<MixedDistribution>;
}): MixedPolicy {
  const d = raw.InstancesDistribution ?? {};
  const spot = d.SpotAllocationStrategy ?? 'lowest-price';
  return {
    overrides: (raw.LaunchTemplate?.Overrides ?? []).map((o) => ({
      ...(o.InstanceType !== undefined && { InstanceType: o.InstanceType }),
      ...(o.WeightedCapacity !== undefined && { WeightedCapacity: o.WeightedCapacity }),
    })),
    distribution: {
      OnDemandAllocationStrategy: d.OnDemandAllocationStrategy ?? 'prioritized',
      OnDemandBaseCapacity: d.OnDemandBaseCapacity ?? 0,
      OnDemandPercentageAboveBaseCapacity: d.OnDemandPercentageAboveBaseCapacity ?? 100,
      SpotAllocationStrategy: spot,
      // "Default: 2. Only available with the lowest-price allocation strategy."
      ...(spot === 'lowest-price' && { SpotInstancePools: d.SpotInstancePools ?? 2 }),
      ...(d.SpotMaxPrice !== undefined && { SpotMaxPrice: d.SpotMaxPrice }),
    },
  };
}

/** The policy as DescribeAutoScalingGroups shows it, around the group's launch template specification. */
export function describedPolicy(p: MixedPolicy, launchTemplate: Record<string, unknown>): Record<string, unknown> {
  return {
    LaunchTemplate: { LaunchTemplateSpecification: launchTemplate, Overrides: p.overrides },
    InstancesDistribution: p.distribution,
  };
}
