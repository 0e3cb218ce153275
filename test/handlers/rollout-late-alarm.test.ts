import { describe, expect, it } from 'vitest';
import { readRollout } from '../../aws/rollout/rollout-ledger.js';
import { rolloutHistory } from '../../core/status/rollout-history.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import {
  CANARY,
  followingGroup,
  INPUT,
  memberOf,
  PRD2,
  published,
  REGION,
  REST,
  rolloutCatalog,
  settle,
  useRolloutWorld,
  WAVE1,
  world,
} from './rollout-fixtures.js';

const record = () => readRollout(INPUT.image, INPUT.channel, INPUT.version);
const told = () =>
  published().filter((p) => p.startsWith('rollout-halted') || p.startsWith('rollout-wave-rolled-back'));

describe('a finished wave whose alarm fires later', () => {
  useRolloutWorld();

  it("halts: the running wave's refreshes cancelled, the finished wave refreshed back to its previous version, no further wave, announced once", async () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    await startRollout(INPUT);
    settle(CANARY, 'Successful');
    expect(await checkWave(INPUT)).toMatchObject({ done: false, state: 'running', currentWave: 1 });
    expect(memberOf(WAVE1).refreshes).toHaveLength(1);

    // The canary's refresh ended Successful; its alarm fires while wave-1 refreshes.
    world.alarms.add(`${CANARY}/${REGION}/app-5xx`);
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'halted', currentWave: 1 });
    expect(memberOf(WAVE1).refreshes[0]?.status).toBe('Cancelling');
    const back = memberOf(CANARY).refreshes[0];
    expect(memberOf(CANARY).refreshes).toHaveLength(2);
    expect(back?.desired?.Version).toBe('3');
    expect(back?.preferences).toMatchObject({ AutoRollback: false });
    expect(told()).toEqual(['rollout-halted canary']);

    // A retry before the canary is back starts nothing more and tells nothing more.
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'halted', currentWave: 1 });
    expect(memberOf(CANARY).refreshes).toHaveLength(2);

    settle(CANARY, 'Successful');
    for (const r of memberOf(WAVE1).refreshes) r.status = 'Cancelled';
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'halted', currentWave: 1 });
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'halted', currentWave: 1 });

    expect(memberOf(REST).refreshes).toEqual([]);
    expect(told()).toEqual(['rollout-halted canary', 'rollout-wave-rolled-back canary']);
    const ended = await record();
    expect(ended?.waves.map((w) => w.state)).toEqual(['rolled-back', 'failed', 'pending']);
    expect(ended?.waves[0]?.alarm).toMatchObject({ name: 'app-5xx', account: CANARY, region: REGION });
    const reason = `wave canary alarm app-5xx in ALARM in ${CANARY} ${REGION} after the wave finished`;
    expect(ended?.reason).toBe(reason);
    if (!ended) throw new Error('no rollout record');
    expect(rolloutHistory(ended).some((line) => line.what.includes(reason))).toBe(true);
  });

  it('reads no alarm of a wave that has not finished, and none once the rollout completed', async () => {
    followingGroup(CANARY);
    world.alarms.add(`${WAVE1}/${REGION}/app-5xx`);
    await startRollout(INPUT);
    settle(CANARY, 'Successful');
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'completed', currentWave: 2 });
    world.alarms.add(`${CANARY}/${REGION}/app-5xx`);
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'completed', currentWave: 2 });
    expect(memberOf(CANARY).refreshes).toHaveLength(1);
    expect(told()).toEqual([]);
  });
});

describe("a finished wave's alarm in one of its accounts", () => {
  useRolloutWorld();

  /** A canary of two accounts (CANARY, WAVE1), then REST; both canary accounts refreshed, REST refreshing. */
  async function alarmInOneCanaryAccount(lateAlarmScope?: 'account' | 'wave'): Promise<void> {
    process.env.GOLDSMITH_CATALOG = JSON.stringify(
      rolloutCatalog({
        waves: [
          { name: 'canary', accounts: [CANARY, WAVE1] },
          { name: 'rest', ous: [PRD2] },
        ],
        ...(lateAlarmScope && { lateAlarmScope }),
      }),
    );
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    await startRollout(INPUT);
    settle(CANARY, 'Successful');
    settle(WAVE1, 'Successful');
    expect(await checkWave(INPUT)).toMatchObject({ state: 'running', currentWave: 1 });
    world.alarms.add(`${WAVE1}/${REGION}/app-5xx`);
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'halted', currentWave: 1 });
  }

  it('takes back only the groups of that account by default: the other tenant keeps the version', async () => {
    await alarmInOneCanaryAccount();
    expect(memberOf(WAVE1).refreshes).toHaveLength(2);
    expect(memberOf(WAVE1).refreshes[0]?.desired?.Version).toBe('3');
    expect(memberOf(CANARY).refreshes).toHaveLength(1);
    settle(WAVE1, 'Successful');
    for (const r of memberOf(REST).refreshes) r.status = 'Cancelled';
    // The other tenant's account is still read until the watch after the halt ends (bakeMinutes).
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'halted', currentWave: 1 });
    const ended = await record();
    // The wave stays failed (not every group of it went back); the account's group is counted rolled back.
    expect(ended?.waves[0]?.state).toBe('failed');
    expect(ended?.waves[0]?.groups.map((g) => [g.account, g.back?.status])).toEqual([
      [CANARY, undefined],
      [WAVE1, 'Successful'],
    ]);
  });

  it("takes back every group of the wave when the catalog's lateAlarmScope is wave", async () => {
    await alarmInOneCanaryAccount('wave');
    expect(memberOf(WAVE1).refreshes).toHaveLength(2);
    expect(memberOf(CANARY).refreshes).toHaveLength(2);
    settle(WAVE1, 'Successful');
    settle(CANARY, 'Successful');
    for (const r of memberOf(REST).refreshes) r.status = 'Cancelled';
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'halted', currentWave: 1 });
    expect((await record())?.waves[0]?.state).toBe('rolled-back');
  });
});
