import { STSServiceException } from '@aws-sdk/client-sts';
import { beforeEach, describe, expect, it } from 'vitest';
import { advanceRollout } from '../../functions/rollout/advance.js';
import { tellRollout } from '../../functions/rollout/tell.js';
import {
  CANARY,
  canaryThenBothOUs,
  followingGroup,
  INPUT,
  published,
  REST,
  record,
  settle,
  useRolloutWorld,
  WAVE1,
  world,
} from './rollout-fixtures.js';

const THROTTLED = new STSServiceException({
  name: 'Throttling',
  $fault: 'client',
  $metadata: { httpStatusCode: 400 },
  message: 'Rate exceeded',
});

/** One step of the engine at `at` (StartWave and CheckWave run the same step). */
const step = (at: string) => advanceRollout(INPUT, { now: () => at, tell: tellRollout });

describe('a member throttling its own account does not hold the wave', () => {
  useRolloutWorld();
  beforeEach(async () => {
    canaryThenBothOUs();
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    await step('2027-01-03T00:00:00Z');
    settle(CANARY, 'Successful');
  });

  it("records the other accounts' refreshes, and starts the throttled account's groups at a later check", async () => {
    world.assumeFails.set(REST, THROTTLED);
    expect(await step('2027-01-03T00:05:00Z')).toEqual({ done: false, state: 'running', currentWave: 1 });
    expect(world.started).toEqual([`${CANARY}/web-1`, `${WAVE1}/web-2`]);
    const waiting = (await record()).waves[1];
    expect(waiting?.groups.map((g) => g.group)).toEqual(['web-2']);
    expect(waiting?.pending).toMatchObject([{ account: REST, attempts: 1, code: 'Throttling' }]);

    // WAVE1 is done, but the wave waits for the throttled account rather than ending healthy without it.
    settle(WAVE1, 'Successful');
    expect(await step('2027-01-03T00:10:00Z')).toEqual({ done: false, state: 'running', currentWave: 1 });
    expect((await record()).waves[1]?.state).toBe('refreshing');

    world.assumeFails.clear();
    await step('2027-01-03T00:15:00Z');
    expect(world.started).toEqual([`${CANARY}/web-1`, `${WAVE1}/web-2`, `${REST}/web-3`]);
    const resumed = (await record()).waves[1];
    expect(resumed?.groups.map((g) => g.group)).toEqual(['web-2', 'web-3']);
    expect(resumed?.pending).toBeUndefined();
    settle(REST, 'Successful');
    expect(await step('2027-01-03T00:20:00Z')).toEqual({ done: true, state: 'completed', currentWave: 1 });
  });

  it("records an account still throttled past the wave's deadline as its failure, and the wave fails after the others", async () => {
    world.assumeFails.set(REST, THROTTLED);
    await step('2027-01-03T00:05:00Z');
    settle(WAVE1, 'Successful');
    await step('2027-01-03T00:15:00Z');
    expect((await record()).waves[1]?.pending).toMatchObject([{ account: REST, attempts: 2 }]);

    expect(await step('2027-01-03T00:40:00Z')).toEqual({ done: true, state: 'halted', currentWave: 1 });
    const halted = await record();
    expect(halted.waves[1]?.pending).toBeUndefined();
    expect(halted.waves[1]?.failures).toMatchObject([
      { account: REST, step: 'start', code: 'Throttling', message: 'Throttling after 3 attempts: Rate exceeded' },
    ]);
    expect(halted.reason).toBe(
      `wave rest failed: account ${REST} us-east-1 refused: Throttling: Throttling after 3 attempts: Rate exceeded`,
    );
    expect(world.started).toEqual([`${CANARY}/web-1`, `${WAVE1}/web-2`]);
    expect(published().filter((p) => p.startsWith('rollout-account-failed'))).toEqual(['rollout-account-failed rest']);
  });

  it('throws for the state machine to retry when every account of the wave is throttled (an AWS-side outage)', async () => {
    world.assumeFails.set(WAVE1, THROTTLED);
    world.assumeFails.set(REST, THROTTLED);
    await expect(step('2027-01-03T00:05:00Z')).rejects.toThrow('Rate exceeded');
    expect((await record()).waves[1]?.state).toBe('pending');
  });
});
