import { describe, expect, it } from 'vitest';
import type { RolloutRecord } from '../../../core/rollout/record.js';
import { retriedHalt, retriedRecord, retryFrom, retryRefusal } from '../../../core/rollout/retry.js';
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
