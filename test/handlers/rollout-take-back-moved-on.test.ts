import { describe, expect, it } from 'vitest';
import { renderRolloutStatus } from '../../cli/operator/rollout-text.js';
import { takeBackEndedRollout } from '../../functions/lifecycle/revoke-rollout.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import {
  AMI,
  CANARY,
  INPUT,
  memberOf,
  PREVIOUS,
  PREVIOUS_AMI,
  pointAt,
  published,
  REST,
  record,
  settle,
  WAVE1,
  world,
} from './rollout-fixtures.js';
import { REVOKED_AT, useTakeBackWorld } from './take-back-fixtures.js';

describe('a take-back leaves a group its team has moved on since the rollout', () => {
  useTakeBackWorld(AMI);

  it('moves only the groups still on its version, records and announces the one the team deployed since', async () => {
    await startRollout(INPUT);
    for (const account of [CANARY, WAVE1, REST]) {
      settle(account, 'Successful');
      await checkWave(INPUT);
    }
    expect((await record()).state).toBe('completed');
    // After the rollout, wave-1's team deployed a version of its own (v5: a new instance type, the same AMI).
    const theirs = memberOf(WAVE1);
    const lt = theirs.templates[0];
    const group = theirs.groups[0];
    if (!lt || !group?.template) throw new Error('no wave-1 group');
    lt.versions.push({ number: 5, imageId: lt.versions.at(-1)?.imageId ?? '' });
    group.template = { id: lt.id, version: '5' };

    expect(
      await takeBackEndedRollout({ ...INPUT, reason: 'a critical finding', at: REVOKED_AT, withdrawn: false }),
    ).toBe(true);
    await pointAt(PREVIOUS, PREVIOUS_AMI);
    await startRollout(INPUT);

    // The canary and rest are refreshed back; wave-1's group is left on the team's v5, never refreshed again.
    expect(world.started.filter((g) => g === `${WAVE1}/web-2`)).toHaveLength(1);
    expect(world.started.filter((g) => g === `${CANARY}/web-1`)).toHaveLength(2);
    // The canary's replacement version is copied from the version it runs now (Goldsmith's v4), with the AMI changed.
    const canaryTemplate = memberOf(CANARY).templates[0];
    expect(canaryTemplate?.versions.at(-1)).toMatchObject({ number: 5, imageId: PREVIOUS_AMI });
    expect(published()).toContain('rollout-group-skipped web-2');

    for (const account of [CANARY, REST]) settle(account, 'Successful');
    expect(await checkWave(INPUT)).toMatchObject({ done: true, state: 'superseded' });
    const ended = await record();
    expect(ended.reason).toBe(
      'revoked: a critical finding; 3 groups of canary, wave-1, rest rolled forward to 1.0.0/2; 1 not moved (see rollout status)',
    );
    expect(renderRolloutStatus(ended)).toContain(
      `web-2: Successful (template ${lt.id} v3 -> v4, refresh ir-2); not moved back: its team moved it on since the rollout (it runs launch template ${lt.id} version 5, not v4 of ${lt.id}): left as it is`,
    );
  });
});
