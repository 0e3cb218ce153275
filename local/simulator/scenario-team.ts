import * as z from 'zod';

/** An EC2 instance type as a scenario names it. */
export const instanceTypeSchema = z
  .string()
  .regex(/^[a-z0-9-]+\.[a-z0-9]+$/, 'must be an instance type like "m6i.large"');

/**
 * A mixed instances policy as a scenario gives it: the instance types (LaunchTemplateOverrides), the On-Demand base and
 * percentage above it, and the Spot allocation strategy, with InstancesDistribution's ranges and values
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html).
 */
export const spotSchema = z.strictObject({
  types: z.array(instanceTypeSchema).min(1, 'must name at least one instance type'),
  onDemandBase: z.number().int().min(0).default(0),
  onDemandPercentage: z.number().int().min(0).max(100).default(100),
  allocation: z
    .enum(['price-capacity-optimized', 'capacity-optimized', 'capacity-optimized-prioritized', 'lowest-price'])
    .default('price-capacity-optimized'),
});
export type SpotSpec = z.output<typeof spotSchema>;

/**
 * Which of the account's groups that follow the channel (default `<image>-<channel>`; a shape's `groups` adds `-2`,
 * `-3`, …); an Auto Scaling group name is 1–255 characters
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_UpdateAutoScalingGroup.html).
 */
const groupName = z.string().min(1).max(255).optional();

/**
 * A member team deploys on the group that follows `image`'s `channel` in `account` (in `region`, default every Region
 * of the image), between two rollouts, what teams change (local/simulator/fleet-shapes.ts): a new launch template
 * version from the one the group runs with its own `instanceType` and/or `userData`; or the group set back to an
 * existing `launchTemplateVersion` of its template (its AMI with it); and/or its mixed instances policy (`spot`:
 * instance types, On-Demand base and percentage, Spot strategy). The group is set to it and refreshed. A take-back of
 * an earlier rollout leaves such a group as the team set it; the next rollout's version keeps it.
 */
export const teamDeployChange = z
  .strictObject({
    kind: z.literal('team-deploy'),
    image: z.string().min(1),
    channel: z.string().min(1),
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
    region: z.string().min(1).optional(),
    group: groupName,
    instanceType: instanceTypeSchema.optional(),
    userData: z.string().min(1).max(16_384).optional(),
    launchTemplateVersion: z.number().int().min(1).optional(),
    spot: spotSchema.optional(),
  })
  .refine(
    (d) =>
      d.instanceType !== undefined ||
      d.userData !== undefined ||
      d.launchTemplateVersion !== undefined ||
      d.spot !== undefined,
    {
      path: ['instanceType'],
      message: 'team-deploy needs instanceType, userData, launchTemplateVersion or spot (what the team changes)',
    },
  )
  .refine((d) => d.launchTemplateVersion === undefined || (d.instanceType === undefined && d.userData === undefined), {
    path: ['launchTemplateVersion'],
    message: 'launchTemplateVersion sets the group to an existing version: give it without instanceType or userData',
  });
export type TeamDeployAction = z.output<typeof teamDeployChange>;

/**
 * A member team changes its own instances on the group that follows `image`'s `channel` in `account` (in `region`,
 * default every Region of the image), mid-run, through Auto Scaling's API as the team (local/simulator/fleet-instances.ts):
 * `protect` / `unprotect` (SetInstanceProtection), `enter-standby` (EnterStandby, decrementing the desired capacity
 * unless `decrement` is false, when new instances replace them) / `exit-standby` (ExitStandby). `count` instances at
 * most (default: every one the change applies to), the group's first ones first.
 */
export const instanceStateChange = z
  .strictObject({
    kind: z.literal('instance-state'),
    image: z.string().min(1),
    channel: z.string().min(1),
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
    region: z.string().min(1).optional(),
    group: groupName,
    change: z.enum(['protect', 'unprotect', 'enter-standby', 'exit-standby']),
    count: z.number().int().min(1).max(1000).optional(),
    decrement: z.boolean().optional(),
  })
  .refine((d) => d.decrement === undefined || d.change === 'enter-standby', {
    path: ['decrement'],
    message: 'decrement applies only to change "enter-standby" (ShouldDecrementDesiredCapacity)',
  });
export type InstanceStateAction = z.output<typeof instanceStateChange>;
