import { describe, expect, it } from 'vitest';
import { newRolloutRecord } from '../../../core/rollout/plan.js';
import type { RolloutGroup, RolloutRecord, RolloutWave } from '../../../core/rollout/record.js';
import {
  joinedOf,
  joinedText,
  MOVED_NAMES_KEPT,
  movedInText,
  unreachedBefore,
  waveMembers,
} from '../../../core/rollout/wave-members.js';

/** Each account is in one wave per rollout (core/rollout/wave-members.ts). */
const NOW = '2027-01-02T00:00:00.000Z';
const REGION = 'us-east-1';

const group = (account: string): RolloutGroup => ({
  account,
  region: REGION,
  group: `web-${account.slice(-2)}`,
  launchTemplateId: 'lt-1',
  fromVersion: 3,
  toVersion: 4,
  refreshId: `r-${account}`,
  status: 'Successful',
});

/** Three waves; the first two started with these findings. */
function rollout(canary: Partial<RolloutWave>, wave1: Partial<RolloutWave>): RolloutRecord {
  const base = newRolloutRecord({
    image: 'base',
    channel: 'prod',
    version: '1.0.0/3',
    amis: { [REGION]: 'ami-1' },
    waves: ['canary', 'wave-1', 'rest'],
    now: NOW,
  });
  const [c, w, r] = base.waves;
  if (!c || !w || !r) throw new Error('three waves');
  return {
    ...base,
    currentWave: 1,
    waves: [
      { ...c, state: 'healthy', startedAt: NOW, ...canary },
      { ...w, state: 'refreshing', startedAt: NOW, ...wave1 },
      r,
    ],
  };
}

describe('waveMembers', () => {
  it('leaves out of a later wave every account an earlier wave reached (refreshed, refused, pending or skipped), naming that wave', () => {
    const r = {
      ...rollout(
        { groups: [group('200000000001')] },
        {
          groups: [group('200000000002')],
          failures: [
            { account: '200000000003', region: REGION, step: 'start', code: 'AccessDenied', message: 'no', at: NOW },
          ],
          pending: [{ account: '200000000004', region: REGION, attempts: 1, code: 'Throttling', message: 'slow' }],
        },
      ),
      skippedGroups: [{ account: '200000000005', region: REGION, group: 'g', reason: 'uses $Latest', wave: 'wave-1' }],
    };
    const now = ['200000000001', '200000000002', '200000000003', '200000000004', '200000000005', '200000000006'];
    const { accounts, movedIn } = waveMembers(r, 2, now);
    expect(accounts).toEqual(['200000000006']);
    expect(movedIn).toEqual({
      total: 5,
      accounts: [
        { account: '200000000001', wave: 'canary' },
        { account: '200000000002', wave: 'wave-1' },
        { account: '200000000003', wave: 'wave-1' },
        { account: '200000000004', wave: 'wave-1' },
        { account: '200000000005', wave: 'wave-1' },
      ],
    });
    // A wave is never left without the accounts it reached itself, and the first wave has nothing before it.
    expect(waveMembers(r, 1, ['200000000002']).accounts).toEqual(['200000000002']);
    expect(waveMembers(r, 0, ['200000000001'])).toEqual({ accounts: ['200000000001'] });
  });

  it('keeps the first names and counts every account left out', () => {
    const many = Array.from({ length: 120 }, (_, i) => String(300000000000 + i));
    const r = rollout({ groups: many.map(group) }, {});
    const { accounts, movedIn } = waveMembers(r, 2, many);
    expect(accounts).toEqual([]);
    expect(movedIn?.total).toBe(120);
    expect(movedIn?.accounts).toHaveLength(MOVED_NAMES_KEPT);
    expect(movedInText(movedIn ?? { total: 0, accounts: [] })).toMatch(
      /^120 accounts moved here after an earlier wave refreshed them, left to that wave: 300000000000 \(canary\), .* and 70 more$/,
    );
  });
});

describe('unreachedBefore', () => {
  it('gives the next wave the accounts an earlier wave’s OUs hold now that no earlier wave reached, with that wave', () => {
    const r = rollout({ groups: [group('200000000001')] }, { groups: [group('200000000002')] });
    // 200000000009 moved into wave-1's OUs after wave-1 started; 200000000002 was refreshed there.
    const now = [['200000000001'], ['200000000002', '200000000009'], ['200000000006']];
    const unreached = unreachedBefore(r, 2, now);
    expect([...unreached]).toEqual([['200000000009', 'wave-1']]);
    // Only what the wave found something in is recorded, and named with the wave whose OUs hold it.
    expect(joinedOf(unreached, ['200000000006'])).toBeUndefined();
    const joined = joinedOf(unreached, ['200000000009', '200000000006']);
    expect(joinedText(joined ?? { total: 0, accounts: [] })).toBe(
      "1 account in an earlier wave's OUs that wave never reached (moved there after it started), taken by this wave: 200000000009 (wave-1)",
    );
    expect(unreachedBefore(r, 0, now).size).toBe(0);
  });
});
