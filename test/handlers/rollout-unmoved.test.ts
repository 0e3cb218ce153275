import { AutoScalingServiceException, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { renderRolloutStatus } from '../../cli/operator/rollout-text.js';
import { rolloutHistory } from '../../core/status/rollout-history.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import {
  asg,
  CANARY,
  followingGroup,
  INPUT,
  memberOf,
  published,
  REST,
  record,
  rolloutCatalog,
  settle,
  useRolloutWorld,
  WAVE1,
} from './rollout-fixtures.js';

type Instances = NonNullable<ReturnType<typeof memberOf>['groups'][number]['instances']>;

/** The account's group after its refresh to v4, with these instances. */
function instancesOf(account: string, instances: Instances): void {
  const g = memberOf(account).groups[0];
  if (!g) throw new Error(`no group in ${account}`);
  g.instances = instances;
}

/** Every instance still on v3: `n` protected from scale in (an ECS capacity provider's group), the rest in Standby. */
const allKept = (n: number, standby = 0): Instances => [
  ...Array.from({ length: n }, () => ({ version: '3', protected: true })),
  ...Array.from({ length: standby }, () => ({ version: '3', standby: true })),
];

describe('a refresh that ends Successful having moved no instance', () => {
  useRolloutWorld();

  it('halts the rollout at a canary whose instances are all protected or in Standby: no later wave starts', async () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    await startRollout(INPUT);
    instancesOf(CANARY, allKept(3, 1));
    settle(CANARY, 'Successful');

    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'halted', currentWave: 0 });
    const r = await record();
    expect(r.reason).toBe(
      "canary moved no instance: its group's refresh ended Successful with all 4 instances (3 protected from scale in, 1 in Standby) still on the version before; nothing runs 1.0.0/3, so the larger waves do not start on its word",
    );
    expect(r.waves.map((w) => w.state)).toEqual(['failed', 'pending', 'pending']);
    expect(memberOf(WAVE1).refreshes).toHaveLength(0);
    expect(published()).toEqual([
      'rollout-wave-started canary',
      'rollout-groups-unmoved canary',
      'rollout-halted canary',
    ]);
    const story = rolloutHistory(r).map((l) => l.what);
    expect(story).toContain('rollout wave 1/3 (canary) failed: 1 group refreshed, none moved an instance');
    expect(renderRolloutStatus(r)).toContain(
      'web-1: Successful (template lt-001web-1 v3 -> v4, refresh ir-1); moved no instance; left on v3: 4 instances',
    );
  });

  it('halts the same way under a canary refresh told to ignore Standby instances alone', async () => {
    process.env.GOLDSMITH_CATALOG = JSON.stringify(rolloutCatalog({ protectedInstances: 'Refresh' }));
    followingGroup(CANARY);
    followingGroup(WAVE1);
    await startRollout(INPUT);
    expect(memberOf(CANARY).refreshes[0]?.preferences).toMatchObject({ StandbyInstances: 'Ignore' });
    instancesOf(CANARY, allKept(0, 2));
    settle(CANARY, 'Successful');
    expect(await checkWave(INPUT)).toMatchObject({ state: 'halted', currentWave: 0 });
    expect((await record()).reason).toMatch(/^canary moved no instance: .*all 2 instances \(2 in Standby\)/);
  });

  it('passes a canary of which one instance runs the new version, naming the group that moved none', async () => {
    followingGroup(CANARY);
    followingGroup(CANARY, 'ecs-1');
    followingGroup(WAVE1);
    await startRollout(INPUT);
    const [web, ecs] = memberOf(CANARY).groups;
    if (!web || !ecs) throw new Error('no canary groups');
    web.instances = [{ version: '4' }, { version: '3', protected: true }];
    ecs.instances = allKept(2);
    settle(CANARY, 'Successful');
    expect(await checkWave(INPUT)).toMatchObject({ state: 'running', currentWave: 1 });
    expect(memberOf(WAVE1).refreshes).toHaveLength(1);
    expect(published()).toContain('rollout-groups-unmoved canary');
  });

  it('records and announces a later wave group that moved none, and goes on to the next wave', async () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    await startRollout(INPUT);
    instancesOf(CANARY, [{ version: '4' }, { version: '4' }]);
    settle(CANARY, 'Successful');
    await checkWave(INPUT);
    instancesOf(WAVE1, allKept(3));
    settle(WAVE1, 'Successful');

    expect(await checkWave(INPUT)).toMatchObject({ state: 'running', currentWave: 2 });
    expect(memberOf(REST).refreshes).toHaveLength(1);
    const r = await record();
    expect(r.waves[1]).toMatchObject({ state: 'healthy' });
    expect(r.waves[1]?.groups[0]?.leftBehind).toEqual({
      instances: 3,
      moved: 0,
      unready: 0,
      protected: 3,
      standby: 0,
      other: 0,
      versions: [{ version: '3', instances: 3 }],
    });
    expect(published().filter((p) => p.startsWith('rollout-groups-unmoved'))).toEqual([
      'rollout-groups-unmoved wave-1',
    ]);
    expect(renderRolloutStatus(r)).toContain(
      'left on older versions, in 1 group(s): 3 instances (3 protected from scale in); 1 group(s) moved no instance',
    );
  });

  it("fails the canary on a member's refusal to show its instances, rather than pass it unread", async () => {
    for (const account of [CANARY, WAVE1]) followingGroup(account);
    await startRollout(INPUT);
    settle(CANARY, 'Successful');
    const denied = new AutoScalingServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'not authorized to perform: autoscaling:DescribeAutoScalingGroups',
    });
    asg.on(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: ['web-1'] }).rejects(denied);

    expect(await checkWave(INPUT)).toMatchObject({ state: 'halted', currentWave: 0 });
    expect((await record()).reason).toBe(
      `wave canary failed: group web-1 in ${CANARY} us-east-1 refused: AccessDenied: not authorized to perform: autoscaling:DescribeAutoScalingGroups`,
    );
    expect(memberOf(WAVE1).refreshes).toHaveLength(0);
  });
});
