import { type AutoScalingGroup, type AutoScalingGroups, asErr, type GroupSpec } from './autoscaling-groups.js';
import type { InstanceRefresh } from './autoscaling-refresh-types.js';
import { asArray, type FakeCall } from './common.js';

/** What these calls use of the Auto Scaling fake (autoscaling.ts's AutoScalingFake). */
interface AutoScalingFake {
  readonly groups: AutoScalingGroups;
  createGroup(spec: GroupSpec): AutoScalingGroup;
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
 * UpdateAutoScalingGroup: a new launch template or version, capacity. Refused while a refresh with a desired
 * configuration is active.
 */
export function updateGroupCall(fake: AutoScalingFake, call: FakeCall): unknown {
  const { input } = call;
  const g = fake.groups.named(call.accountId, call.region, input.AutoScalingGroupName);
  const lt = input.LaunchTemplate as
    | { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string }
    | undefined;
  if (lt && fake.active(g)?.desired)
    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-overview.html, "Update restriction".
    throw asErr(
      'ValidationError',
      'An active instance refresh with a desired configuration exists. All configuration options derived from the desired configuration are not available for update while the instance refresh is active.',
    );
  if (lt) {
    const t = fake.groups.templates.named(g.account, g.region, lt.LaunchTemplateId, lt.LaunchTemplateName);
    g.launchTemplate = { id: t.id, version: lt.Version ?? '$Default' };
  }
  if (typeof input.DesiredCapacity === 'number') g.desiredCapacity = input.DesiredCapacity;
  if (typeof input.MinSize === 'number') g.minSize = input.MinSize;
  if (typeof input.MaxSize === 'number') g.maxSize = input.MaxSize;
  fake.record(call, g);
  return {};
}

/**
 * A team's own SetInstanceProtection, EnterStandby and ExitStandby on instances of its group
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_SetInstanceProtection.html,
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-enter-exit-standby.html): what a refresh waiting on
 * protected or Standby instances waits for. An instance not in the group is a ValidationError.
 */
export function instanceStateCall(g: AutoScalingGroup, call: FakeCall): unknown {
  const ids = asArray<string>(call.input.InstanceIds);
  const instances = ids.map((id) => {
    const i = g.instances.find((x) => x.instanceId === id);
    if (!i) throw asErr('ValidationError', `The instance ${id} is not part of Auto Scaling group ${g.name}.`);
    return i;
  });
  for (const i of instances) {
    if (call.action === 'SetInstanceProtection') i.protectedFromScaleIn = call.input.ProtectedFromScaleIn === true;
    else if (call.action === 'EnterStandby') i.lifecycle = 'Standby';
    else if (i.lifecycle !== 'Standby')
      throw asErr('ValidationError', `The instance ${i.instanceId} is not in Standby.`);
    else delete i.lifecycle;
  }
  return call.action === 'SetInstanceProtection' ? {} : { Activities: [] };
}
