/**
 * What a rollout's refresh of a mixed-instances group sent: the group's own instance types (its launch template
 * overrides, kept as they were) and its On-Demand/Spot split. Pure: read from the MixedInstancesPolicy that
 * DescribeAutoScalingGroups reported, which the refresh's DesiredConfiguration keeps whole (aws/rollout/rollout-refresh.ts).
 */

/** As the ledger keeps it on a group's refresh (at most MAX_TYPES instance types named; `types` counts them all). */
export interface MixedSent {
  instanceTypes: string[];
  types: number;
  onDemandBase: number;
  onDemandPercentAboveBase: number;
  spotAllocation?: string;
}

const MAX_TYPES = 10;

/** The part of a MixedInstancesPolicy this reads (structurally, so core holds no SDK type). */
export interface MixedPolicyView {
  LaunchTemplate?: { Overrides?: { InstanceType?: string | undefined }[] | undefined } | undefined;
  InstancesDistribution?:
    | {
        OnDemandBaseCapacity?: number | undefined;
        OnDemandPercentageAboveBaseCapacity?: number | undefined;
        SpotAllocationStrategy?: string | undefined;
      }
    | undefined;
}

/**
 * What was sent for a group with this policy. InstancesDistribution's defaults: OnDemandBaseCapacity 0,
 * OnDemandPercentageAboveBaseCapacity 100 ("If set to 100, only On-Demand Instances are used. Default: 100":
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html).
 */
export function mixedSentOf(policy: MixedPolicyView): MixedSent {
  const types = (policy.LaunchTemplate?.Overrides ?? []).flatMap((o) => (o.InstanceType ? [o.InstanceType] : []));
  const d = policy.InstancesDistribution;
  const spot = d?.SpotAllocationStrategy;
  return {
    instanceTypes: types.slice(0, MAX_TYPES),
    types: types.length,
    onDemandBase: d?.OnDemandBaseCapacity ?? 0,
    onDemandPercentAboveBase: d?.OnDemandPercentageAboveBaseCapacity ?? 100,
    ...(spot !== undefined && { spotAllocation: spot }),
  };
}

/** `mixed instances: m5.large, m5a.large kept; On-Demand base 1, above it 25% On-Demand, 75% Spot (price-capacity-optimized)`. */
export function mixedSentText(m: MixedSent): string {
  const more = m.types > m.instanceTypes.length ? ` and ${m.types - m.instanceTypes.length} more` : '';
  const types = m.types > 0 ? `${m.instanceTypes.join(', ')}${more} kept` : 'instance types from the launch template';
  const spot = 100 - m.onDemandPercentAboveBase;
  const split =
    spot === 0
      ? 'all On-Demand'
      : `above it ${m.onDemandPercentAboveBase}% On-Demand, ${spot}% Spot${m.spotAllocation ? ` (${m.spotAllocation})` : ''}`;
  return `mixed instances: ${types}; On-Demand base ${m.onDemandBase}, ${split}`;
}
