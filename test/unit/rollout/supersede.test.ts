import { describe, expect, it } from 'vitest';
import type { RolloutGroup, RolloutRecord, RolloutReplacement } from '../../../core/rollout/record.js';
import { planSupersede, settledReason, withMoveStatuses } from '../../../core/rollout/supersede.js';

const NOW = '2027-01-02T00:00:00.000Z';

function group(name: string, status: string, extra: Partial<RolloutGroup> = {}): RolloutGroup {
  return {
    account: '111111111111',
    region: 'us-east-1',
    group: name,
    launchTemplateId: `lt-${name}`,
    fromVersion: 3,
    fromImageId: 'ami-prev',
    toVersion: 4,
    refreshId: `r-${name}`,
    status,
    ...extra,
  };
}

/** A superseded rollout whose canary finished and whose wave-1 holds `current`; `rest` never started. */
function superseded(current: RolloutGroup[], replacement?: RolloutReplacement): RolloutRecord {
  return {
    image: 'base',
    channel: 'prod',
    version: '1.0.0/3',
    amis: { 'us-east-1': 'ami-revoked' },
    state: 'superseded',
    reason: 'revoked: a critical finding',
    startedAt: NOW,
    updatedAt: NOW,
    endedAt: NOW,
    currentWave: 1,
    waves: [
      { name: 'canary', state: 'healthy', groups: [group('c', 'Successful')] },
      { name: 'wave-1', state: 'refreshing', groups: current },
      { name: 'rest', state: 'pending', groups: [] },
    ],
    skippedGroups: [],
    ...(replacement && { replacement }),
  };
}

const BACK_TO_PREV = { version: '1.0.0/2', amis: { 'us-east-1': 'ami-prev' } };
const names = (gs: RolloutGroup[]) => gs.map((g) => g.group);

describe('planSupersede', () => {
  it('first decides where the groups go, and ends at once when no wave had started', () => {
    expect(planSupersede(superseded([group('w', 'InProgress')]))).toEqual({ kind: 'decide' });
    const none = { ...superseded([]), waves: superseded([]).waves.map((w) => ({ ...w, groups: [] })) };
    expect(planSupersede(none)).toEqual({ kind: 'ended' });
  });

  it('rolls back the running refreshes and moves the finished groups; the wave that never started is untouched', () => {
    const step = planSupersede(superseded([group('w', 'InProgress'), group('x', 'Successful')], BACK_TO_PREV));
    expect(step.kind).toBe('move-back');
    if (step.kind !== 'move-back') return;
    expect(names(step.rollBack)).toEqual(['w']);
    expect(names(step.move)).toEqual(['c', 'x']);
  });

  it('a group rolled back onto a version that already names the replacement AMI needs no further refresh', () => {
    const record = superseded([group('w', 'RollbackSuccessful')], BACK_TO_PREV);
    const moved = { ...record, waves: record.waves.map((w, i) => (i === 0 ? { ...w, groups: [] } : w)) };
    expect(planSupersede(moved)).toEqual({ kind: 'settled', groups: 1, notMoved: [] });
  });

  it('a group rolled back onto an older AMI is then moved onto the replacement', () => {
    const step = planSupersede(
      superseded([group('w', 'RollbackSuccessful', { fromImageId: 'ami-older' })], BACK_TO_PREV),
    );
    expect(step.kind === 'move-back' && names(step.move)).toEqual(['c', 'w']);
  });

  it('waits while a rollback or a move-back refresh runs, then settles, naming a group that could not move', () => {
    const back = (status: string) => ({ version: 3, refreshId: 'r-back', status });
    const waiting = superseded([group('w', 'RollbackInProgress')], BACK_TO_PREV);
    waiting.waves[0] = {
      name: 'canary',
      state: 'healthy',
      groups: [group('c', 'Successful', { back: back('InProgress') })],
    };
    expect(planSupersede(waiting)).toEqual({ kind: 'wait', why: 'moving-back' });

    const busy = { version: 3, refreshId: '', status: 'NotStarted', statusReason: 'another instance refresh runs' };
    const done = superseded([group('w', 'Successful', { back: busy })], BACK_TO_PREV);
    done.waves[0] = {
      name: 'canary',
      state: 'healthy',
      groups: [group('c', 'Successful', { back: back('Successful') })],
    };
    const step = planSupersede(done);
    expect(step).toMatchObject({ kind: 'settled', groups: 2 });
    if (step.kind !== 'settled') return;
    expect(names(step.notMoved)).toEqual(['w']);
    expect(settledReason(done, step)).toBe(
      'revoked: a critical finding; 2 groups of canary, wave-1 rolled forward to 1.0.0/2; 1 not moved (see rollout status)',
    );
    expect(planSupersede({ ...done, replacement: { ...BACK_TO_PREV, settledAt: NOW } })).toEqual({ kind: 'ended' });
  });

  it('says so when the groups went back to their previous versions for want of a version to roll forward to', () => {
    const record = superseded([group('w', 'RollbackSuccessful')], { amis: {}, why: 'the prod pointer was withdrawn' });
    record.waves[0] = { name: 'canary', state: 'healthy', groups: [] };
    expect(planSupersede(record)).toEqual({ kind: 'settled', groups: 1, notMoved: [] });
    expect(settledReason(record, { groups: 1, notMoved: [] })).toBe(
      'revoked: a critical finding; 1 group of wave-1 back on their previous launch template version (the prod pointer was withdrawn)',
    );
  });
});

describe('withMoveStatuses', () => {
  it("reads a moved group's move-back refresh, and an unmoved group's own", () => {
    const record = superseded([group('w', 'InProgress')], BACK_TO_PREV);
    record.waves[0] = {
      name: 'canary',
      state: 'healthy',
      groups: [group('c', 'Successful', { back: { version: 5, refreshId: 'r-back', status: 'Pending' } })],
    };
    const where = { account: '111111111111', region: 'us-east-1' };
    const after = withMoveStatuses(
      record,
      [
        { ...where, group: 'c', refreshId: 'r-back', status: 'Successful' },
        { ...where, group: 'w', refreshId: 'r-w', status: 'RollbackInProgress' },
      ],
      NOW,
    );
    expect(after.waves[0]?.groups[0]).toMatchObject({ status: 'Successful', back: { status: 'Successful' } });
    expect(after.waves[1]?.groups[0]?.status).toBe('RollbackInProgress');
    expect(after.waves.map((w) => w.state)).toEqual(['healthy', 'refreshing', 'pending']);
  });
});
