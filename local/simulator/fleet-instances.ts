import type { GroupInstance } from '../fakes/autoscaling-groups.js';
import type { LocalFakes } from '../fakes/install.js';
import { teamPrincipal } from './fleet-shapes.js';
import type { InstanceStateAction } from './scenario-team.js';

/**
 * The scenario's `instance-state` event: a member team sets or lifts scale-in protection, or moves instances into or
 * out of Standby, on its group that follows the channel (`group`, default `<image>-<channel>`), through the Auto Scaling fake as the
 * team, in as many calls as the API's limits need (SetInstanceProtection 50 instance ids, EnterStandby and ExitStandby
 * 20: https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_SetInstanceProtection.html,
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_EnterStandby.html). The fake validates each call as AWS
 * documents it; a refusal stops the run with one line naming the account, Region, group and AWS's error. A change that
 * applies to no instance (protection lifted twice) changes nothing.
 */

const CALLS = {
  protect: { action: 'SetInstanceProtection', most: 50, applies: (i: GroupInstance) => !i.protectedFromScaleIn },
  unprotect: {
    action: 'SetInstanceProtection',
    most: 50,
    applies: (i: GroupInstance) => i.protectedFromScaleIn === true,
  },
  'enter-standby': { action: 'EnterStandby', most: 20, applies: (i: GroupInstance) => i.lifecycle !== 'Standby' },
  'exit-standby': { action: 'ExitStandby', most: 20, applies: (i: GroupInstance) => i.lifecycle === 'Standby' },
} as const;

export async function instanceStateAction(
  cloud: {
    readonly installed: { readonly fakes: Pick<LocalFakes, 'autoscaling'> };
    readonly catalog: { readonly images: Record<string, { readonly regions: readonly string[] }> };
  },
  action: InstanceStateAction,
): Promise<number> {
  const { autoscaling } = cloud.installed.fakes;
  const name = action.group ?? `${action.image}-${action.channel}`;
  const regions = action.region ? [action.region] : (cloud.catalog.images[action.image]?.regions ?? []);
  const { action: call, most, applies } = CALLS[action.change];
  let changed = 0;
  for (const region of regions) {
    const g = autoscaling.groups.get(action.account, region, name);
    if (!g) throw new Error(`instance-state: account ${action.account} has no group ${name} in ${region}`);
    const ids = g.instances
      .filter(applies)
      .slice(0, action.count)
      .map((i) => i.instanceId);
    for (let at = 0; at < ids.length; at += most) {
      const input = {
        AutoScalingGroupName: name,
        InstanceIds: ids.slice(at, at + most),
        ...(call === 'SetInstanceProtection' && { ProtectedFromScaleIn: action.change === 'protect' }),
        ...(call === 'EnterStandby' && { ShouldDecrementDesiredCapacity: action.decrement ?? true }),
      };
      await autoscaling
        .handle({
          service: 'autoscaling',
          action: call,
          input,
          body: undefined,
          region,
          accountId: action.account,
          principal: teamPrincipal(action.account),
        })
        .catch((error: unknown) => {
          const { name: code, message } = error as Error;
          throw new Error(
            `instance-state: ${call} on ${name} in ${action.account} ${region} refused: ${code}: ${message}`,
          );
        });
    }
    changed += ids.length;
  }
  return changed;
}
