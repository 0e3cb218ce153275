import { describe, expect, it } from 'vitest';
import { newRolloutRecord, planRollout, type RolloutStep, withStatuses } from '../../../core/rollout/plan.js';
import type { RolloutGroup, RolloutRecord, RolloutState, WaveState } from '../../../core/rollout/record.js';

const NOW = '2026-11-26T00:00:00.000Z';

function group(name: string, status: string): RolloutGroup {
  return {
    account: '111111111111',
    region: 'us-east-1',
    group: name,
    launchTemplateId: `lt-${name}`,
    fromVersion: 3,
    toVersion: 4,
    refreshId: `r-${name}`,
    status,
  };
}

/** A three-wave record whose wave `current` holds groups with these statuses (earlier waves healthy). */
function record(state: RolloutState, current: number, waveState: WaveState, statuses: string[]): RolloutRecord {
  const base = newRolloutRecord({
    image: 'base',
    channel: 'prod',
    version: '1.0.0/3',
    amis: { 'us-east-1': 'ami-1' },
    waves: ['canary', 'wave-1', 'rest'],
    now: NOW,
  });
  return {
    ...base,
    state,
    currentWave: current,
    waves: base.waves.map((w, i) =>
      i < current
        ? { ...w, state: 'healthy', groups: [group(`done-${i}`, 'Successful')] }
        : i === current
          ? { ...w, state: waveState, groups: statuses.map((s, k) => group(`g${k}`, s)) }
          : w,
    ),
  };
}

const kinds = (step: RolloutStep) => step.kind;

/** The record with its current wave's groups read once their refresh ended: `moved` instances on v4, `kept` on v3. */
function read(r: RolloutRecord, moved: number, kept: number): RolloutRecord {
  const leftBehind = { instances: kept, moved, protected: kept, standby: 0, other: 0 };
  const waves = r.waves.map((w, i) =>
    i === r.currentWave ? { ...w, groups: w.groups.map((g) => ({ ...g, leftBehind })) } : w,
  );
  return { ...r, waves };
}

describe('planRollout', () => {
  it.each([
    ['a new rollout starts its canary', record('running', 0, 'pending', []), { kind: 'start-wave', wave: 0 }],
    ['a paused rollout starts no wave', record('paused', 1, 'pending', []), { kind: 'wait', why: 'paused' }],
    [
      'refreshes under way: wait',
      record('running', 0, 'refreshing', ['InProgress', 'Successful']),
      { kind: 'wait', why: 'refreshing' },
    ],
    ['baking: wait', record('running', 0, 'baking', ['Baking', 'Successful']), { kind: 'wait', why: 'refreshing' }],
    ['pending refresh: wait', record('running', 0, 'refreshing', ['Pending']), { kind: 'wait', why: 'refreshing' }],
    [
      'a paused rollout still waits for its running refreshes',
      record('paused', 0, 'refreshing', ['InProgress']),
      { kind: 'wait', why: 'refreshing' },
    ],
    [
      'every refresh successful: next wave',
      read(record('running', 0, 'refreshing', ['Successful', 'Successful']), 2, 1),
      { kind: 'wave-healthy', wave: 0, next: 'next-wave' },
    ],
    [
      "the canary's refreshes successful, their instances not read yet: wait",
      record('running', 0, 'refreshing', ['Successful', 'Successful']),
      { kind: 'wait', why: 'refreshing' },
    ],
    [
      'the canary successful with every instance left on the version before (protected): halt, nothing rolls back',
      read(record('running', 0, 'refreshing', ['Successful', 'Successful']), 0, 2),
      { kind: 'halt', wave: 0, failed: [], rollBack: [], revert: [], refused: [], reason: 'canary moved no instance' },
    ],
    [
      'the canary successful on groups with no instance at all: halt, nothing proved the version',
      read(record('running', 0, 'refreshing', ['Successful']), 0, 0),
      { kind: 'halt', wave: 0, failed: [], rollBack: [], revert: [], refused: [], reason: 'canary has no instances' },
    ],
    [
      'a later wave successful on groups with no instance at all: next wave',
      read(record('running', 1, 'refreshing', ['Successful']), 0, 0),
      { kind: 'wave-healthy', wave: 1, next: 'next-wave' },
    ],
    [
      'a later wave successful with every instance left behind: next wave',
      read(record('running', 1, 'refreshing', ['Successful']), 0, 3),
      { kind: 'wave-healthy', wave: 1, next: 'next-wave' },
    ],
    [
      'healthy while paused: no next wave',
      record('paused', 1, 'baking', ['Successful']),
      { kind: 'wave-healthy', wave: 1, next: 'paused' },
    ],
    [
      'last wave healthy: completed',
      record('running', 2, 'baking', ['Successful']),
      { kind: 'wave-healthy', wave: 2, next: 'completed' },
    ],
    [
      'a later wave with no group counts as done',
      record('running', 1, 'skipped', []),
      { kind: 'wave-healthy', wave: 1, next: 'next-wave' },
    ],
    [
      'a canary with no group proves nothing: halt',
      record('running', 0, 'skipped', []),
      {
        kind: 'halt',
        wave: 0,
        failed: [],
        rollBack: [],
        revert: [],
        refused: [],
        reason: 'canary has no group to refresh',
      },
    ],
    ['completed: ended', record('completed', 2, 'healthy', ['Successful']), { kind: 'ended' }],
    [
      'halted, a refresh failed without rolling back: ended',
      record('halted', 0, 'failed', ['Failed']),
      { kind: 'ended' },
    ],
    [
      'halted while its refreshes roll back: wait for them',
      record('halted', 0, 'failed', ['RollbackSuccessful', 'RollbackInProgress']),
      { kind: 'wait', why: 'rolling-back' },
    ],
    [
      'halted, every refresh rolled back: the wave is rolled back',
      record('halted', 1, 'failed', ['RollbackSuccessful', 'RollbackSuccessful']),
      { kind: 'rolled-back', wave: 1 },
    ],
    [
      'halted, a rollback failed: ended',
      record('halted', 0, 'failed', ['RollbackSuccessful', 'RollbackFailed']),
      { kind: 'ended' },
    ],
    [
      'halted and already rolled back: ended',
      record('halted', 0, 'rolled-back', ['RollbackSuccessful']),
      { kind: 'ended' },
    ],
    ['aborted with nothing running: ended', record('aborted', 1, 'healthy', ['Successful']), { kind: 'ended' }],
  ])('%s', (_title, input, expected) => {
    expect(planRollout(input)).toEqual(expected);
  });

  it.each([
    ['Failed'],
    ['Cancelled'],
    ['Cancelling'],
    ['RollbackInProgress'],
    ['RollbackSuccessful'],
    ['RollbackFailed'],
  ])('a wave with a %s refresh halts, rolls back the running ones and reverts the finished ones', (status) => {
    const step = planRollout(record('running', 0, 'refreshing', [status, 'InProgress', 'Baking', 'Successful']));
    expect(step.kind).toBe('halt');
    if (step.kind !== 'halt') return;
    expect(step.failed.map((g) => g.group)).toEqual(['g0']);
    expect(step.rollBack.map((g) => g.group)).toEqual(['g1', 'g2']);
    expect(step.revert.map((g) => g.group)).toEqual(['g3']);
  });

  it('aborted: cancels every refresh still running, nothing else', () => {
    const step = planRollout(
      record('aborted', 1, 'refreshing', ['InProgress', 'Successful', 'Baking', 'Pending', 'Failed']),
    );
    expect(step).toMatchObject({ kind: 'stop', state: 'aborted' });
    if (step.kind === 'stop') expect(step.cancel.map((g) => g.group)).toEqual(['g0', 'g2', 'g3']);
  });

  describe('an account that refused the engine', () => {
    const refused = (statuses: string[]): RolloutRecord => {
      const r = record('running', 1, 'refreshing', statuses);
      const failures = [
        { account: '222222222222', region: 'us-east-1', step: 'start', code: 'AccessDenied', message: 'no', at: NOW },
      ];
      return { ...r, waves: r.waves.map((w, i) => (i === 1 ? { ...w, failures } : w)) };
    };

    it('does not cut the wave short: its other refreshes go on', () => {
      expect(planRollout(refused(['Successful', 'InProgress']))).toEqual({ kind: 'wait', why: 'refreshing' });
    });

    it('halts the wave once the others finished, keeping their refreshes (nothing showed the version bad)', () => {
      const step = planRollout(refused(['Successful', 'Successful']));
      expect(step).toMatchObject({ kind: 'halt', wave: 1, failed: [], rollBack: [], revert: [] });
      if (step.kind === 'halt') expect(step.refused.map((f) => f.account)).toEqual(['222222222222']);
    });

    it('halts a wave that started nothing else (not a skipped wave)', () => {
      expect(planRollout(refused([]))).toMatchObject({ kind: 'halt', wave: 1 });
    });
  });

  it('aborted: waits while a cancel is still Cancelling, then ends', () => {
    expect(planRollout(record('aborted', 0, 'baking', ['Cancelling', 'Cancelled']))).toEqual({
      kind: 'wait',
      why: 'cancelling',
    });
    expect(planRollout(record('aborted', 0, 'baking', ['Cancelled', 'Successful']))).toEqual({ kind: 'ended' });
  });

  it('never starts a wave for an ended rollout', () => {
    for (const state of ['completed', 'halted', 'aborted', 'superseded'] as const) {
      expect(kinds(planRollout(record(state, 1, 'pending', [])))).not.toBe('start-wave');
    }
  });
});

describe('withStatuses', () => {
  it("takes AWS's statuses for the current wave's refreshes and derives the wave's state", () => {
    const before = record('running', 0, 'refreshing', ['InProgress', 'InProgress']);
    const after = withStatuses(
      before,
      [
        { account: '111111111111', region: 'us-east-1', group: 'g0', refreshId: 'r-g0', status: 'Successful' },
        { account: '111111111111', region: 'us-east-1', group: 'g1', refreshId: 'r-g1', status: 'Baking' },
      ],
      '2026-11-26T01:00:00.000Z',
    );
    expect(after.waves[0]?.state).toBe('baking');
    expect(after.waves[0]?.groups.map((g) => g.status)).toEqual(['Successful', 'Baking']);
    expect(after.updatedAt).toBe('2026-11-26T01:00:00.000Z');
  });

  it('ignores a status of another refresh of the same group (someone else’s, or an older one)', () => {
    const before = record('running', 0, 'refreshing', ['InProgress']);
    const after = withStatuses(
      before,
      [{ account: '111111111111', region: 'us-east-1', group: 'g0', refreshId: 'r-other', status: 'Failed' }],
      NOW,
    );
    expect(after.waves[0]?.groups[0]?.status).toBe('InProgress');
    expect(after.waves[0]?.state).toBe('refreshing');
  });

  it('marks the wave failed and ended when one refresh fails, keeping its reason', () => {
    const after = withStatuses(
      record('running', 0, 'refreshing', ['InProgress']),
      [
        {
          account: '111111111111',
          region: 'us-east-1',
          group: 'g0',
          refreshId: 'r-g0',
          status: 'RollbackInProgress',
          statusReason: 'alarm app-5xx in ALARM',
        },
      ],
      '2026-11-26T02:00:00.000Z',
    );
    expect(after.waves[0]).toMatchObject({ state: 'failed', endedAt: '2026-11-26T02:00:00.000Z' });
    expect(after.waves[0]?.groups[0]?.statusReason).toBe('alarm app-5xx in ALARM');
  });
});
