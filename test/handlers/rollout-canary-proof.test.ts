import { describe, expect, it } from 'vitest';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import {
  CANARY,
  followingGroup,
  INPUT,
  memberOf,
  REST,
  record,
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

/** Starts the rollout over three accounts, ends the canary's refresh Successful with `instances`, checks it. */
async function canaryEndsWith(instances: Instances) {
  for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
  await startRollout(INPUT);
  settle(CANARY, 'Successful');
  instancesOf(CANARY, instances);
  return checkWave(INPUT);
}

describe('what a canary instance must show to count as moved', () => {
  useRolloutWorld();

  it('does not count an instance of another launch template at the same version number', async () => {
    expect(await canaryEndsWith([{ version: '4', templateId: 'lt-someone-else' }])).toMatchObject({
      state: 'halted',
      currentWave: 0,
    });
    expect((await record()).reason).toMatch(/^canary moved no instance: /);
    expect(memberOf(WAVE1).refreshes).toHaveLength(0);
  });

  it.each([
    ['Pending', { lifecycle: 'Pending' }],
    ['Terminating:Wait', { lifecycle: 'Terminating:Wait' }],
    ['Detaching', { lifecycle: 'Detaching' }],
    ['Unhealthy', { health: 'Unhealthy' as const }],
  ])('does not count one on the new version that is %s', async (_, extra) => {
    expect(await canaryEndsWith([{ version: '4', ...extra }])).toMatchObject({ state: 'halted', currentWave: 0 });
    expect((await record()).reason).toBe(
      "canary moved no instance: its group's refresh ended Successful with 1 on the new one not InService and Healthy; nothing runs 1.0.0/3, so the larger waves do not start on its word",
    );
    expect(memberOf(WAVE1).refreshes).toHaveLength(0);
  });

  it('passes on one InService and Healthy instance of its template at the new version', async () => {
    expect(await canaryEndsWith([{ version: '4' }, { version: '4', lifecycle: 'Pending' }])).toMatchObject({
      state: 'running',
      currentWave: 1,
    });
  });

  it('halts a canary whose groups have no instance (desired capacity 0), saying so; later empty groups are fine', async () => {
    expect(await canaryEndsWith([])).toMatchObject({ state: 'halted', currentWave: 0 });
    const r = await record();
    expect(r.reason).toBe(
      'canary has no instances: its group web-1 in 200000000001 us-east-1 had none when the refresh ended Successful (desired capacity 0); nothing runs 1.0.0/3, so the larger waves do not start on its word',
    );
    expect(r.waves.map((w) => w.state)).toEqual(['failed', 'pending', 'pending']);
    expect(memberOf(WAVE1).refreshes).toHaveLength(0);
  });

  it('goes on past a later wave whose groups have no instance', async () => {
    expect(await canaryEndsWith([{ version: '4' }])).toMatchObject({ currentWave: 1 });
    expect(memberOf(WAVE1).groups[0]?.instances).toEqual([]);
    settle(WAVE1, 'Successful');
    expect(await checkWave(INPUT)).toMatchObject({ state: 'running', currentWave: 2 });
  });
});
