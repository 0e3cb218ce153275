import { type AutoScalingGroup, type AutoScalingGroups, asErr, type GroupSpec } from './autoscaling-groups.js';
import { mixedPolicyOf } from './autoscaling-mixed.js';
import type { InstanceRefresh } from './autoscaling-refresh-types.js';
import { asArray, type FakeCall } from './common.js';

/** What these calls use of the Auto Scaling fake (autoscaling.ts's AutoScalingFake). */
interface AutoScalingFake {
  readonly groups: AutoScalingGroups;
  createGroup(spec: GroupSpec): AutoScalingGroup;
  /** Launches `count` instances into `g` on its own configuration (a replacement, a scale-out). */
  launchInto(g: AutoScalingGroup, count: number): void;
  active(g: AutoScalingGroup): InstanceRefresh | undefined;
  record(call: FakeCall, g: AutoScalingGroup, refreshId?: string): void;
}

/** CreateAutoScalingGroup and UpdateAutoScalingGroup, as far as member teams' own tooling and the tests need them. */

/** CreateAutoScalingGroup: the group on its launch template, its instances launched. */
export function createGroupCall(fake: AutoScalingFake, call: FakeCall): unknown {
  const { input, accountId: account, region } = call;
  const lt = (input.LaunchTemplate ?? {}) as {
    LaunchTemplateId?: string;
    LaunchTemplateName?: string;
    Version?: string;
  };
  const template = fake.groups.templates.named(account, region, lt.LaunchTemplateId, lt.LaunchTemplateName);
  fake.createGroup({
    account,
    region,
    name: String(input.AutoScalingGroupName ?? ''),
    launchTemplateId: template.id,
    ...(lt.Version !== undefined ? { version: lt.Version } : {}),
    desiredCapacity: Number(input.DesiredCapacity ?? input.MinSize ?? 0),
    minSize: Number(input.MinSize ?? 0),
    maxSize: Number(input.MaxSize ?? 0),
    tags: Object.fromEntries(asArray<{ Key: string; Value?: string }>(input.Tags).map((t) => [t.Key, t.Value ?? ''])),
  });
  return {};
}

/**
 * UpdateAutoScalingGroup: a new launch template or version, or a mixed instances policy around one (the request takes
 * either: https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_UpdateAutoScalingGroup.html), capacity.
 * Refused while a refresh with a desired configuration is active.
 */
export function updateGroupCall(fake: AutoScalingFake, call: FakeCall): unknown {
  const { input } = call;
  const g = fake.groups.named(call.accountId, call.region, input.AutoScalingGroupName);
  type Spec = { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string };
  const policy = input.MixedInstancesPolicy as
    | (Parameters<typeof mixedPolicyOf>[0] & { LaunchTemplate?: { LaunchTemplateSpecification?: Spec } })
    | undefined;
  if (policy && input.LaunchTemplate)
    throw asErr('ValidationError', 'Specify either LaunchTemplate or MixedInstancesPolicy, not both.');
  const lt = (input.LaunchTemplate ?? policy?.LaunchTemplate?.LaunchTemplateSpecification) as Spec | undefined;
  if ((lt || policy) && fake.active(g)?.desired)
    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-overview.html, "Update restriction".
    throw asErr(
      'ValidationError',
      'An active instance refresh with a desired configuration exists. All configuration options derived from the desired configuration are not available for update while the instance refresh is active.',
    );
  if (lt) {
    const t = fake.groups.templates.named(g.account, g.region, lt.LaunchTemplateId, lt.LaunchTemplateName);
    g.launchTemplate = { id: t.id, version: lt.Version ?? '$Default' };
  }
  if (policy) g.mixedInstancesPolicy = mixedPolicyOf(policy);
  if (typeof input.DesiredCapacity === 'number') g.desiredCapacity = input.DesiredCapacity;
  if (typeof input.MinSize === 'number') g.minSize = input.MinSize;
  if (typeof input.MaxSize === 'number') g.maxSize = input.MaxSize;
  fake.record(call, g);
  return {};
}

/** SetInstanceProtection takes up to 50 instance ids, EnterStandby and ExitStandby up to 20 (their API pages). */
const MOST_IDS = { SetInstanceProtection: 50, EnterStandby: 20, ExitStandby: 20 } as const;

/**
 * A team's own SetInstanceProtection, EnterStandby and ExitStandby on instances of its group: what a refresh waiting
 * on protected or Standby instances waits for, and what the ECS canary's recovery lifts. Validated as the API pages
 * document them (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_SetInstanceProtection.html: 1–50
 * instance ids, ProtectedFromScaleIn required;
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_EnterStandby.html: up to 20, ShouldDecrementDesiredCapacity
 * required, the desired capacity after a decrement not below the minimum, else new instances replace those on standby;
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_ExitStandby.html: up to 20, "the desired capacity is
 * incremented"). Only an `InService` instance enters Standby
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-enter-exit-standby.html); only a Standby one exits it. An
 * instance not in the group is a ValidationError. Nothing changes unless every instance named may. The messages are
 * the fake's (AWS's wording for these refusals was not found), with AWS's error code.
 */
export function instanceStateCall(fake: AutoScalingFake, g: AutoScalingGroup, call: FakeCall): unknown {
  const action = call.action as keyof typeof MOST_IDS;
  const ids = asArray<string>(call.input.InstanceIds);
  if (ids.length === 0 && action === 'SetInstanceProtection')
    throw asErr('ValidationError', 'InstanceIds: at least one instance id is required.');
  if (ids.length > MOST_IDS[action])
    throw asErr(
      'ValidationError',
      `InstanceIds: ${action} takes up to ${MOST_IDS[action]} instance ids; ${ids.length} were given.`,
    );
  const flag = action === 'SetInstanceProtection' ? 'ProtectedFromScaleIn' : 'ShouldDecrementDesiredCapacity';
  if (action !== 'ExitStandby' && typeof call.input[flag] !== 'boolean')
    throw asErr('ValidationError', `${flag} is required.`);
  const instances = ids.map((id) => {
    const i = g.instances.find((x) => x.instanceId === id);
    if (!i) throw asErr('ValidationError', `The instance ${id} is not part of Auto Scaling group ${g.name}.`);
    if (action === 'EnterStandby' && i.lifecycle === 'Standby')
      throw asErr('ValidationError', `The instance ${id} is not in InService.`);
    if (action === 'ExitStandby' && i.lifecycle !== 'Standby')
      throw asErr('ValidationError', `The instance ${id} is not in Standby.`);
    return i;
  });
  if (action === 'SetInstanceProtection') {
    for (const i of instances) i.protectedFromScaleIn = call.input.ProtectedFromScaleIn === true;
    return {};
  }
  if (action === 'EnterStandby') {
    const decrement = call.input.ShouldDecrementDesiredCapacity === true;
    if (decrement && g.desiredCapacity - instances.length < g.minSize)
      throw asErr(
        'ValidationError',
        `AutoScalingGroup ${g.name}: decrementing the desired capacity by ${instances.length} would put it below the minimum size ${g.minSize}.`,
      );
    for (const i of instances) i.lifecycle = 'Standby';
    if (decrement) g.desiredCapacity -= instances.length;
    else fake.launchInto(g, instances.length);
  } else {
    for (const i of instances) delete i.lifecycle;
    g.desiredCapacity += instances.length;
    g.maxSize = Math.max(g.maxSize, g.desiredCapacity);
  }
  return { Activities: [] };
}
