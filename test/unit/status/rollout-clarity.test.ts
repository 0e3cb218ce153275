import { describe, expect, it } from 'vitest';
import type { RolloutGroup } from '../../../core/rollout/record.js';
import { rolloutHistory } from '../../../core/status/rollout-history.js';
import { rolloutGroup, rolloutRecord } from '../../fixtures/rollouts.js';

const left = (g: RolloutGroup, moved: number, prot: number, standby: number): RolloutGroup => ({
  ...g,
  leftBehind: { instances: prot + standby, moved, protected: prot, standby, other: 0 },
});

describe('history: a healthy wave says what its refreshes left behind', () => {
  it('counts the groups that moved no instance and the instances left on older versions', () => {
    const r = rolloutRecord();
    const canary = r.waves[0];
    if (!canary) throw new Error('fixture has a canary');
    canary.groups = [
      left(rolloutGroup('111111111111', 'Successful'), 3, 0, 0),
      left(rolloutGroup('121111111111', 'Successful'), 0, 10, 0),
      left(rolloutGroup('131111111111', 'Successful'), 2, 2, 3),
    ];
    const line = rolloutHistory(r).find((l) => l.what.includes('(canary) healthy'));
    expect(line?.what).toBe(
      'rollout wave 1/3 (canary) healthy: 3/3 groups refreshed and baked; 1 group moved no instance; ' +
        '15 instances (12 protected from scale in, 3 in Standby) left on older versions, in 2 groups',
    );
  });

  it('says nothing more when every instance moved', () => {
    const line = rolloutHistory(rolloutRecord()).find((l) => l.what.includes('(canary) healthy'));
    expect(line?.what).toBe('rollout wave 1/3 (canary) healthy: 1/1 group refreshed and baked');
  });
});
