import { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rolloutHistory } from '../../core/status/rollout-history.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import {
  CANARY,
  followingGroup,
  INPUT,
  memberOf,
  PRD2,
  REGION,
  REST,
  record,
  rolloutCatalog,
  settle,
  sns,
  useRolloutWorld,
  WAVE1,
  world,
} from './rollout-fixtures.js';

/** The announcements of `event` published so far (to SNS, which Slack and mail subscribers render): title and detail. */
function told(event: string): { title: string; summary: string; detail: Record<string, unknown> }[] {
  return sns
    .commandCalls(PublishCommand)
    .map((c) => JSON.parse(JSON.parse(String(c.args[0].input.Message)).default))
    .filter((n: { event: string }) => n.event === event);
}

/** A canary of two accounts (CANARY, WAVE1), then REST (the channel's default lateAlarmScope unless given); the canary healthy. */
async function healthyCanaryOfTwo(lateAlarmScope?: 'account' | 'wave'): Promise<void> {
  const waves = [
    { name: 'canary', accounts: [CANARY, WAVE1] },
    { name: 'rest', ous: [PRD2] },
  ];
  process.env.GOLDSMITH_CATALOG = JSON.stringify(rolloutCatalog({ waves, ...(lateAlarmScope && { lateAlarmScope }) }));
  for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
  await startRollout(INPUT);
  settle(CANARY, 'Successful');
  settle(WAVE1, 'Successful');
  await checkWave(INPUT);
}

/** healthyCanaryOfTwo, then its alarm fires in WAVE1. */
async function alarmInOneCanaryAccount(lateAlarmScope: 'account' | 'wave'): Promise<void> {
  await healthyCanaryOfTwo(lateAlarmScope);
  world.alarms.add(`${WAVE1}/${REGION}/app-5xx`);
  expect(await checkWave(INPUT)).toMatchObject({ state: 'halted', currentWave: 1 });
  for (const r of memberOf(REST).refreshes) r.status = 'Cancelled';
}

/** Moves the clock `minutes` on (Date only: the refreshes are settled by hand). */
function later(minutes: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + minutes * 60_000);
}

describe("a halted rollout's partial take-back after a finished wave's alarm", () => {
  useRolloutWorld();
  afterEach(() => {
    vi.useRealTimers();
  });

  it("lateAlarmScope account: history names the alarm's account, and the take-back is announced once when it ends", async () => {
    await alarmInOneCanaryAccount('account');
    expect(told('rollout-groups-taken-back')).toEqual([]);
    settle(WAVE1, 'Successful');
    // The canary's other account is still read until the watch ends (bakeMinutes after the halt), then it is done.
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'halted', currentWave: 1 });
    later(61);
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'halted', currentWave: 1 });

    const taken = told('rollout-groups-taken-back');
    expect(taken).toHaveLength(1);
    expect(taken[0]?.detail).toMatchObject({ wave: 'canary', groups: 1, of: 2, notBack: 0, scope: 'account' });
    expect(taken[0]?.title).toBe('base 1.0.0/3: 1 group of wave 1/2 (canary) taken back in the halted prod rollout');
    expect(rolloutHistory(await record()).map((l) => l.what)).toContain(
      `rollout wave 1/2 (canary): 1/2 groups in ${WAVE1} us-east-1 back on their previous launch template version (lateAlarmScope account: the alarm's account)`,
    );
  });

  it('lateAlarmScope wave with a group that could not go back: history says the whole wave, and the take-back is announced', async () => {
    await alarmInOneCanaryAccount('wave');
    settle(WAVE1, 'Successful');
    settle(CANARY, 'Failed', 'Instances failed to pass the ELB health check');
    expect(await checkWave(INPUT)).toMatchObject({ state: 'halted' });

    const r = await record();
    expect(r.waves[0]?.state).toBe('failed');
    expect(told('rollout-groups-taken-back').map((n) => n.detail)).toMatchObject([
      { wave: 'canary', groups: 1, of: 2, notBack: 1, scope: 'wave' },
    ]);
    const story = rolloutHistory(r).map((l) => l.what);
    expect(story).toContain(
      `rollout wave 1/2 (canary): 1/2 groups back on their previous launch template version (lateAlarmScope wave: the whole wave, for the alarm in ${WAVE1} us-east-1)`,
    );
    expect(story.join('\n')).not.toContain("the alarm's account");
  });
});

describe("a finished wave's alarm in ALARM in several of its accounts", () => {
  useRolloutWorld();

  it('lateAlarmScope account: every alarmed account takes its groups back, and history and the announcement count them', async () => {
    await healthyCanaryOfTwo();
    world.alarms.add(`${CANARY}/${REGION}/app-5xx`);
    world.alarms.add(`${WAVE1}/${REGION}/app-5xx`);
    expect(await checkWave(INPUT)).toMatchObject({ state: 'halted', currentWave: 1 });
    // Both canary accounts got a refresh back, not only the first one read in ALARM.
    expect(memberOf(CANARY).refreshes).toHaveLength(2);
    expect(memberOf(WAVE1).refreshes).toHaveLength(2);

    for (const r of memberOf(REST).refreshes) r.status = 'Cancelled';
    settle(CANARY, 'Successful');
    settle(WAVE1, 'Successful');
    await checkWave(INPUT);
    await checkWave(INPUT);

    const r = await record();
    expect(r.waves[0]?.state).toBe('rolled-back');
    expect(r.reason).toBe(
      `wave canary alarm app-5xx in ALARM in ${CANARY} ${REGION}, ${WAVE1} ${REGION} after the wave finished`,
    );
    expect(told('rollout-wave-rolled-back').map((n) => n.detail)).toMatchObject([{ wave: 'canary', groups: 2 }]);
    expect(told('rollout-groups-taken-back')).toEqual([]);
    expect(rolloutHistory(r).map((l) => l.what)).toContain(
      'rollout wave 1/2 (canary) rolled back: 2 groups back on their previous launch template version',
    );
  });
});

describe("a halted rollout's alarmed wave, still read under lateAlarmScope account", () => {
  useRolloutWorld();
  afterEach(() => {
    vi.useRealTimers();
  });

  it('takes back a second account that goes into ALARM minutes after the halt, once, and announces it', async () => {
    await alarmInOneCanaryAccount('account');
    settle(WAVE1, 'Successful');
    expect(await checkWave(INPUT)).toMatchObject({ done: false, state: 'halted' });
    expect(told('rollout-groups-taken-back').map((n) => n.detail)).toMatchObject([{ groups: 1, of: 2 }]);
    expect(memberOf(CANARY).refreshes).toHaveLength(1);

    // Ten minutes after the halt, the canary's other account goes into ALARM: its group goes back too.
    later(10);
    world.alarms.add(`${CANARY}/${REGION}/app-5xx`);
    expect(await checkWave(INPUT)).toMatchObject({ done: false, state: 'halted' });
    expect(memberOf(CANARY).refreshes).toHaveLength(2);
    expect(
      memberOf(CANARY)
        .refreshes.map((x) => x.status)
        .sort(),
    ).toEqual(['Pending', 'Successful']);
    // Read again while it goes back: no second refresh back.
    expect(await checkWave(INPUT)).toMatchObject({ done: false, state: 'halted' });
    expect(memberOf(CANARY).refreshes).toHaveLength(2);
    const r = await record();
    expect(r.reason).toBe(
      `wave canary alarm app-5xx in ALARM in ${WAVE1} ${REGION}, ${CANARY} ${REGION} after the wave finished`,
    );

    settle(CANARY, 'Successful');
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'halted', currentWave: 1 });
    expect((await record()).waves[0]?.state).toBe('rolled-back');
    expect(told('rollout-wave-rolled-back').map((n) => n.detail)).toMatchObject([{ wave: 'canary', groups: 2 }]);
    expect(told('rollout-halted')).toHaveLength(1);
  });

  it('leaves an account that goes into ALARM after the watch ended on the new version', async () => {
    await alarmInOneCanaryAccount('account');
    settle(WAVE1, 'Successful');
    await checkWave(INPUT);
    later(61);
    world.alarms.add(`${CANARY}/${REGION}/app-5xx`);
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'halted', currentWave: 1 });
    expect(memberOf(CANARY).refreshes).toHaveLength(1);
  });
});
