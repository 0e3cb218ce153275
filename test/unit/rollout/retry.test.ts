import { describe, expect, it } from 'vitest';
import { rolloutRefusal } from '../../../core/rollout/operator.js';
import type { RolloutRecord } from '../../../core/rollout/record.js';
import { retriedHalt, retriedRecord, retryFrom, retryRefusal } from '../../../core/rollout/retry.js';
import { rolloutHistory } from '../../../core/status/rollout-history.js';
import { rolloutGroup, rolloutRecord } from '../../fixtures/rollouts.js';

const AT = '2027-01-06T09:00:00.000Z';
const ALARM = { name: 'app-5xx', account: '111111111111', region: 'us-east-1', at: '2027-01-05T10:00:00.000Z' };

/** Halted at wave-1 (its refresh failed and rolled back), the canary healthy before it. */
const haltedAtWave1 = (over: Partial<RolloutRecord> = {}): RolloutRecord => {
  const r = rolloutRecord({ state: 'halted', endedAt: '2027-01-05T10:00:00.000Z', reason: 'wave wave-1 failed: x' });
  const wave = r.waves[1];
  if (wave) Object.assign(wave, { state: 'rolled-back', endedAt: '2027-01-05T10:00:00.000Z' });
  if (wave) wave.groups = [rolloutGroup('222222222222', 'RollbackSuccessful')];
  return { ...r, openWork: undefined, ...over };
};

describe('a retry of a halted rollout', () => {
  it('starts from the wave that halted, or from the wave a late alarm failed', () => {
    expect(retryFrom(haltedAtWave1())).toBe(1);
    const late = haltedAtWave1();
    const canary = late.waves[0];
    if (canary) Object.assign(canary, { state: 'rolled-back', alarm: ALARM });
    expect(retryFrom(late)).toBe(0);
  });

  it('resets that wave and the later ones, keeps the earlier, reopens the record and logs the halt it left', () => {
    const read = haltedAtWave1({
      skippedGroups: [
        { account: '2', region: 'us-east-1', group: 'a', reason: 'r', wave: 'wave-1' },
        { account: '1', region: 'us-east-1', group: 'b', reason: 'r', wave: 'canary' },
      ],
    });
    const entry = { action: 'retry' as const, by: 'alice', at: AT, retried: retriedHalt(read) };
    const next = retriedRecord(read, entry);
    expect(next).toMatchObject({ state: 'running', currentWave: 1, openWork: 'rollout', by: 'alice', updatedAt: AT });
    expect(next.endedAt).toBeUndefined();
    expect(next.reason).toBeUndefined();
    expect(next.waves.map((w) => [w.state, w.groups.length])).toEqual([
      ['healthy', 1],
      ['pending', 0],
      ['pending', 0],
    ]);
    expect(next.skippedGroups.map((g) => g.group)).toEqual(['b']);
    expect(entry.retried).toEqual({
      at: '2027-01-05T10:00:00.000Z',
      reason: 'wave wave-1 failed: x',
      fromWave: 1,
      waves: [
        {
          name: 'wave-1',
          state: 'rolled-back',
          startedAt: '2027-01-05T09:12:00.000Z',
          endedAt: '2027-01-05T10:00:00.000Z',
          groups: 1,
          accounts: 1,
          ended: 'failed: 1/1 group failed (web-222 in 222222222222 us-east-1: RollbackSuccessful)',
        },
      ],
    });
  });

  it('is refused once a newer version has rolled out to the channel, or while the wave is still going back', () => {
    const read = haltedAtWave1();
    const newer = rolloutRecord({ version: '1.0.0/4' });
    expect(retryRefusal(read, [read, newer])).toBe(
      'the rollout of base 1.0.0/3 to prod is not retried: 1.0.0/4 has rolled out to prod since (running)',
    );
    expect(retryRefusal(read, [read, rolloutRecord({ version: '1.0.0/2', state: 'completed' })])).toBeUndefined();
    const going = haltedAtWave1();
    const wave = going.waves[1];
    if (wave) Object.assign(wave, { state: 'failed', groups: [rolloutGroup('222222222222', 'RollbackInProgress')] });
    expect(retryRefusal(going, [going])).toMatch(/is still taking its halted wave back/);
  });
});

/** Superseded by an operator's rollback once its canary had refreshed: the canary's group moved to 1.0.0/2. */
const supersededByRollback = (settledAt: string | null = AT, over: Partial<RolloutRecord> = {}): RolloutRecord => {
  const r = rolloutRecord({ state: 'superseded', endedAt: '2027-01-05T10:00:00.000Z', currentWave: 1 });
  const [canary, wave1] = r.waves;
  if (canary) Object.assign(canary, { state: 'healthy', groups: [rolloutGroup('111111111111', 'Successful')] });
  if (wave1) Object.assign(wave1, { state: 'superseded', groups: [rolloutGroup('222222222222', 'Cancelled')] });
  const replacement = { version: '1.0.0/2', amis: {}, ...(settledAt !== null && { settledAt }) };
  return { ...r, reason: 'rolled back: oops meant staging', replacement, openWork: undefined, ...over };
};

describe('a retry of a rollout a rollback superseded, its version the channel’s again', () => {
  it('starts from the first wave, forgets the take-back, and history tells the supersede and the start again', () => {
    const read = supersededByRollback(AT, { takenBack: { from: 'completed', at: '2027-01-06T08:00:00.000Z' } });
    expect(retryFrom(read)).toBe(0);
    const at = '2027-01-06T10:00:00.000Z';
    const entry = {
      action: 'retry' as const,
      by: 'alice',
      at,
      reason: 'rolled forward: undo',
      retried: retriedHalt(read),
    };
    const next = retriedRecord(read, entry);
    expect(next).toMatchObject({ state: 'running', currentWave: 0, openWork: 'rollout' });
    expect(next.waves.every((w) => w.state === 'pending' && w.groups.length === 0)).toBe(true);
    expect([next.replacement, next.takenBack, next.reason, next.endedAt]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(entry.retried).toMatchObject({
      superseded: true,
      fromWave: 0,
      at: '2027-01-06T08:00:00.000Z',
      before: { state: 'completed', at: '2027-01-05T10:00:00.000Z', refreshed: 1 },
    });
    const lines = rolloutHistory({ ...next, operatorActions: [entry] }).map((l) => l.what);
    expect(lines).toContain('rollout completed: 3 wave(s), 1 group refreshed');
    expect(lines).toContain('rollout superseded: rolled back: oops meant staging');
    expect(lines.at(-1)).toBe(
      'rollout of 1.0.0/3 to prod starts again from wave 1/3 (canary), by alice: rolled forward: undo',
    );
  });

  it('is refused while its groups are still going back, and when a revocation superseded it', () => {
    const moving = supersededByRollback(null);
    expect(retryRefusal(moving, [moving])).toBe(
      'the rollout of base 1.0.0/3 to prod is still taking its groups back after it was superseded: retry once rollout status shows every group back',
    );
    expect(retryRefusal(supersededByRollback(), [])).toBeUndefined();
    const subject = { image: 'base', channel: 'prod' };
    expect(rolloutRefusal('retry', subject, supersededByRollback())).toBeUndefined();
    const revoked = supersededByRollback(AT, { reason: 'revoked: a critical finding' });
    expect(rolloutRefusal('retry', subject, revoked)).toMatch(/nothing to retry \(only a halted rollout is retried\)$/);
  });
});
