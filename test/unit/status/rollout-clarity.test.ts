import { describe, expect, it } from 'vitest';
import { haltReason } from '../../../core/rollout/halt.js';
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

describe('a halt reason names what its "more" are', () => {
  const r = rolloutRecord();
  const halt = (failed: RolloutGroup[]) =>
    haltReason(r, { kind: 'halt', wave: 1, failed, rollBack: [], revert: [], refused: [] });

  it('lists the other failed groups, the first three, and counts the rest', () => {
    const bad = ['222222222222', '333333333333', '444444444444', '555555555555', '666666666666'].map((a) =>
      rolloutGroup(a, 'Failed', 'health check'),
    );
    expect(halt(bad.slice(0, 3))).toBe(
      'wave wave-1 failed: web-222 in 222222222222 us-east-1: health check (Failed) (and 2 more groups failed: ' +
        'web-333 in 333333333333 us-east-1, web-444 in 444444444444 us-east-1)',
    );
    expect(halt(bad)).toMatch(
      /\(and 4 more groups failed: web-333 in .*, web-444 in .*, web-555 in .*, and 1 more: rollout status lists them\)$/,
    );
    expect(halt(bad.slice(0, 1))).toBe('wave wave-1 failed: web-222 in 222222222222 us-east-1: health check (Failed)');
  });
});
