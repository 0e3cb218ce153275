import { describe, expect, it } from 'vitest';
import { instanceStateAction } from '../../../local/simulator/fleet-instances.js';
import type { InstanceStateAction } from '../../../local/simulator/scenario-team.js';
import { MEMBER, memberGroup, REGION, rolloutCloud } from '../local/rollout-member.js';

/**
 * The scenario's `instance-state` event on the local cloud: the team's calls, in as many as the API's limits need, on
 * the group that follows the channel (`base-prod`), and one line naming the group when there is none.
 */
function world(instances: number) {
  const cloud = rolloutCloud();
  const { group } = memberGroup(cloud, 'base-prod', cloud.share('base-1'), { instances });
  for (const i of group.instances) i.protectedFromScaleIn = true;
  const act = (change: InstanceStateAction['change'], more: Partial<InstanceStateAction> = {}) =>
    instanceStateAction(
      { installed: { fakes: cloud.fakes }, catalog: { images: { base: { regions: [REGION] } } } },
      { kind: 'instance-state', image: 'base', channel: 'prod', account: MEMBER, change, ...more },
    );
  return { group, act };
}

describe('the instance-state scenario event', () => {
  it('lifts the protection of 60 instances in calls of at most 50 ids (the fake refuses more); again, it changes nothing', async () => {
    const w = world(60);
    expect(await w.act('unprotect')).toBe(60);
    expect(w.group.instances.filter((i) => i.protectedFromScaleIn)).toEqual([]);
    expect(await w.act('unprotect')).toBe(0);
  });

  it('moves count instances into Standby and back, the group’s first first, the desired capacity down and up again', async () => {
    const w = world(4);
    expect(await w.act('enter-standby', { count: 2 })).toBe(2);
    expect(w.group.instances.map((i) => i.lifecycle ?? 'InService')).toEqual([
      'Standby',
      'Standby',
      'InService',
      'InService',
    ]);
    expect(w.group.desiredCapacity).toBe(2);
    expect(await w.act('exit-standby')).toBe(2);
    expect(w.group.desiredCapacity).toBe(4);
  });

  it('refuses a group the account does not have, naming the account, group and Region', async () => {
    const w = world(1);
    await expect(w.act('protect', { group: 'worker' })).rejects.toThrow(
      `instance-state: account ${MEMBER} has no group worker in ${REGION}`,
    );
  });

  it('stops on the fake’s refusal, naming the call, group, account, Region and AWS’s error', async () => {
    const w = world(2);
    w.group.minSize = 2;
    await expect(w.act('enter-standby')).rejects.toThrow(
      new RegExp(
        `^instance-state: EnterStandby on base-prod in ${MEMBER} ${REGION} refused: ValidationError: .*below the minimum size 2`,
      ),
    );
    expect(w.group.instances.every((i) => i.lifecycle === undefined)).toBe(true);
  });
});
