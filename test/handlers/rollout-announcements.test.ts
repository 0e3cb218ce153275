import { PublishCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { readRollout } from '../../aws/rollout/rollout-ledger.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import {
  CANARY,
  followingGroup,
  INPUT,
  memberOf,
  published,
  REST,
  settle,
  sns,
  useRolloutWorld,
  WAVE1,
} from './rollout-fixtures.js';

const record = () => readRollout(INPUT.image, INPUT.channel, INPUT.version);

describe('rollout announcements', () => {
  useRolloutWorld();

  it('announces each wave and the end through the notifications topic, each once however often a step repeats', async () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    await startRollout(INPUT);
    await startRollout(INPUT);
    settle(CANARY, 'Successful');
    await checkWave(INPUT);
    await checkWave(INPUT);
    settle(WAVE1, 'Successful');
    await checkWave(INPUT);
    settle(REST, 'Successful');
    await checkWave(INPUT);
    await checkWave(INPUT);

    expect(published()).toEqual([
      'rollout-wave-started canary',
      'rollout-wave-healthy canary',
      'rollout-wave-started wave-1',
      'rollout-wave-healthy wave-1',
      'rollout-wave-started rest',
      'rollout-wave-healthy rest',
      'rollout-completed',
    ]);
    const titles = sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject);
    expect(titles.at(-1)).toBe('base 1.0.0/3: prod rollout completed');
  });

  it('a failed canary whose refreshes all roll back becomes rolled-back, announced once after the halt', async () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    await startRollout(INPUT);
    settle(CANARY, 'RollbackInProgress', 'alarm app-5xx went to ALARM');
    expect(await checkWave(INPUT)).toMatchObject({ done: false, state: 'halted' });
    expect(await checkWave(INPUT)).toMatchObject({ done: false, state: 'halted' });

    for (const r of memberOf(CANARY).refreshes) r.status = 'RollbackSuccessful';
    expect(await checkWave(INPUT)).toMatchObject({ done: true, state: 'halted' });
    expect(await checkWave(INPUT)).toMatchObject({ done: true, state: 'halted' });

    expect((await record())?.waves.map((w) => w.state)).toEqual(['rolled-back', 'pending', 'pending']);
    expect(published()).toEqual([
      'rollout-wave-started canary',
      'rollout-halted canary',
      'rollout-wave-rolled-back canary',
    ]);
  });

  it('a halted wave whose rollback failed stays failed: no rolled-back announcement', async () => {
    followingGroup(CANARY);
    await startRollout(INPUT);
    settle(CANARY, 'RollbackFailed', 'the previous instances did not come back healthy');
    expect(await checkWave(INPUT)).toMatchObject({ done: true, state: 'halted' });
    expect((await record())?.waves[0]?.state).toBe('failed');
    expect(published()).toEqual(['rollout-wave-started canary', 'rollout-halted canary']);
  });
});
