import { describe, expect, it } from 'vitest';
import { rolloutHistory } from '../../core/status/rollout-history.js';
import { rolloutStatusLine } from '../../core/status/rollout-view.js';
import { takeBackEndedRollout } from '../../functions/lifecycle/revoke-rollout.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import {
  AMI,
  CANARY,
  followingGroup,
  INPUT,
  memberOf,
  onAmi,
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
import { TAKE_BACK_NAME as NAME, REVOKED_AT, useTakeBackWorld } from './take-back-fixtures.js';

/** The rollout through its three waves to `completed`, each group refreshed onto the rolled-out AMI. */
async function completeRollout(): Promise<void> {
  await startRollout(INPUT);
  for (const account of [CANARY, WAVE1, REST]) {
    settle(account, 'Successful');
    await checkWave(INPUT);
  }
  expect((await record()).state).toBe('completed');
}

const revoke = (withdrawn: boolean) =>
  takeBackEndedRollout({ ...INPUT, reason: 'a critical finding', at: REVOKED_AT, withdrawn });

describe('a revocation after the rollout completed takes the groups it refreshed back', () => {
  const { started } = useTakeBackWorld(AMI, () => followingGroup(REST, 'untagged-web', 'other/prod'));

  it("every group ends on the previous version's AMI, started once, announced nothing more, and status and history tell it", async () => {
    await completeRollout();
    const told = published();

    expect(await revoke(false)).toBe(true);
    // A retried revocation recognizes its own take-back: the same execution, the record marked once.
    expect(await revoke(false)).toBe(true);
    expect(started).toEqual([NAME]);
    const marked = await record();
    expect(marked).toMatchObject({ state: 'superseded', takenBack: { from: 'completed', at: REVOKED_AT } });

    // The execution: waits while the pointer still names the revoked version, then refreshes every group back.
    expect(await startRollout(INPUT)).toMatchObject({ done: false, state: 'superseded' });
    expect(world.started).toHaveLength(3);
    await pointAt(PREVIOUS, PREVIOUS_AMI);
    expect(await checkWave(INPUT)).toMatchObject({ done: false });
    for (const account of [CANARY, WAVE1, REST]) {
      expect(onAmi(account)).toBe(PREVIOUS_AMI);
      expect(memberOf(account).refreshes[0]?.preferences).toMatchObject({ AutoRollback: false });
      settle(account, 'Successful');
    }
    expect(await checkWave(INPUT)).toMatchObject({ done: true, state: 'superseded' });
    expect(await checkWave(INPUT)).toMatchObject({ done: true, state: 'superseded' });
    expect(world.started).toHaveLength(6);
    expect(world.started.filter((g) => g.endsWith('/untagged-web'))).toEqual([]);
    expect(published()).toEqual(told);

    const ended = await record();
    const reason = 'revoked: a critical finding; 3 groups of canary, wave-1, rest rolled forward to 1.0.0/2';
    expect(ended.reason).toBe(reason);
    expect(rolloutStatusLine(ended)).toBe(
      `rollout 1.0.0/3: superseded 2027-01-09 00:00 at wave 3/3 (rest), 3 groups refreshed: ${reason}`,
    );
    expect(
      rolloutHistory(ended)
        .slice(-2)
        .map((l) => `${l.at} ${l.what}`),
    ).toEqual([
      `${ended.endedAt} rollout completed: 3 wave(s), 3 groups refreshed`,
      `${REVOKED_AT} rollout superseded: ${reason}`,
    ]);
  });

  it('refreshes nothing when the revocation withdrew the pointer, and says so', async () => {
    await completeRollout();

    expect(await revoke(true)).toBe(false);
    expect(await revoke(true)).toBe(false);
    expect(started).toEqual([]);
    // An execution that ran anyway (redriven) finds nothing to do.
    expect(await checkWave(INPUT)).toMatchObject({ done: true, state: 'superseded' });
    expect(world.started).toHaveLength(3);
    const ended = await record();
    expect(rolloutHistory(ended).at(-1)?.what).toBe(
      'rollout superseded: revoked: a critical finding; the prod pointer was withdrawn (no earlier version): nothing refreshed, 3 groups still on 1.0.0/3',
    );
  });

  it("lets a halted rollout's own execution, still following its rollback, take its healthy canary back", async () => {
    await startRollout(INPUT);
    settle(CANARY, 'Successful');
    await checkWave(INPUT);
    // Auto Scaling rolls the failed refresh back (AutoRollback): the execution follows it until it is recorded.
    settle(WAVE1, 'RollbackInProgress');
    expect(await checkWave(INPUT)).toMatchObject({ done: false, state: 'halted' });

    expect(await revoke(false)).toBe(false);
    expect(started).toEqual([]);
    expect((await record()).state).toBe('superseded');
    await pointAt(PREVIOUS, PREVIOUS_AMI);
    await checkWave(INPUT);
    expect(onAmi(CANARY)).toBe(PREVIOUS_AMI);
  });

  it('leaves a rollout halted in its canary alone: nothing it refreshed stayed', async () => {
    await startRollout(INPUT);
    settle(CANARY, 'RollbackSuccessful');
    await checkWave(INPUT);
    await checkWave(INPUT);
    expect((await record()).state).toBe('halted');

    expect(await revoke(false)).toBe(false);
    expect(started).toEqual([]);
    expect((await record()).state).toBe('halted');
  });
});
