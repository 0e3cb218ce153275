import { describe, expect, it } from 'vitest';
import { renderRolloutStatus } from '../../cli/operator/rollout-text.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import {
  CANARY,
  followingGroup,
  INPUT,
  memberOf,
  REST,
  record,
  rolloutCatalog,
  settle,
  useRolloutWorld,
  WAVE1,
} from './rollout-fixtures.js';

/** The canary's group after its refresh to v4: one instance protected, one in Standby, both still on v3. */
function canaryLeftTwo(): void {
  const g = memberOf(CANARY).groups[0];
  if (!g) throw new Error('no canary group');
  g.instances = [
    { version: '4' },
    { version: '4' },
    { version: '3', protected: true },
    { version: '3', standby: true },
  ];
}

describe('a rollout over groups with protected and Standby instances', () => {
  useRolloutWorld();

  it('tells every refresh to ignore them by default, so a protection set on purpose never fails a wave', async () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    await startRollout(INPUT);
    expect(memberOf(CANARY).refreshes[0]?.preferences).toMatchObject({
      ScaleInProtectedInstances: 'Ignore',
      StandbyInstances: 'Ignore',
    });
  });

  it("sends the channel's own choice", async () => {
    process.env.GOLDSMITH_CATALOG = JSON.stringify(
      rolloutCatalog({ protectedInstances: 'Refresh', standbyInstances: 'Terminate' }),
    );
    followingGroup(CANARY);
    await startRollout(INPUT);
    expect(memberOf(CANARY).refreshes[0]?.preferences).toMatchObject({
      ScaleInProtectedInstances: 'Refresh',
      StandbyInstances: 'Terminate',
    });
  });

  it('counts the instances a successful refresh left on the old version, and why, in the record and rollout status', async () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    await startRollout(INPUT);
    canaryLeftTwo();
    settle(CANARY, 'Successful');
    expect(await checkWave(INPUT)).toMatchObject({ currentWave: 1 });

    const r = await record();
    expect(r.waves[0]?.groups[0]?.leftBehind).toEqual({
      instances: 2,
      moved: 2,
      unready: 0,
      protected: 1,
      standby: 1,
      other: 0,
      versions: [{ version: '3', instances: 2 }],
    });
    const text = renderRolloutStatus(r);
    expect(text).toContain('web-1: Successful (template lt-001web-1 v3 -> v4, refresh ir-1); left on v3: 2 instances');
    expect(text).toContain(
      'left on older versions, in 1 group(s): 2 instances (1 protected from scale in, 1 in Standby)',
    );
  });
});
