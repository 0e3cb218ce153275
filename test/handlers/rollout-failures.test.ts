import { PublishCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { readRollout } from '../../aws/rollout-ledger.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import { followingGroup, INPUT, REST, sns, useRolloutWorld, WAVE1, world } from './rollout-fixtures.js';

const record = () => readRollout(INPUT.image, INPUT.channel, INPUT.version);

/** Each announcement's event and wave, as the notifications topic was given them. */
function published(): string[] {
  return sns.commandCalls(PublishCommand).map((c) => {
    const n = JSON.parse(JSON.parse(c.args[0].input.Message ?? '{}').default) as {
      event: string;
      detail: { wave?: string };
    };
    return `${n.event} ${n.detail.wave ?? ''}`.trim();
  });
}

describe('rollout failure paths', () => {
  useRolloutWorld();

  it('halts when the canary has no group to refresh: no later wave starts on its word', async () => {
    followingGroup(WAVE1);
    followingGroup(REST);

    expect(await startRollout(INPUT)).toEqual({ done: true, state: 'halted', currentWave: 0 });
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'halted', currentWave: 0 });

    expect(world.started).toEqual([]);
    const halted = await record();
    expect(halted?.reason).toBe(
      'canary has no group to refresh: no rollout-ready group in wave canary follows base/prod',
    );
    expect(halted?.waves.map((w) => w.state)).toEqual(['skipped', 'pending', 'pending']);
    expect(halted?.openWork).toBeUndefined();
    expect(published()).toEqual(['rollout-halted canary']);
  });
});
