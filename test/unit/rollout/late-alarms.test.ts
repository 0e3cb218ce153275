import { describe, expect, it } from 'vitest';
import {
  alarmScopes,
  alarmWatchAfterHalt,
  lateRefreshesToWatch,
  planLateRollback,
  withLateAlarm,
} from '../../../core/rollout/late-alarms.js';
import { withStatuses } from '../../../core/rollout/plan.js';
import type { RolloutGroup } from '../../../core/rollout/record.js';
import { rolloutGroup, rolloutRecord } from '../../fixtures/rollouts.js';

const NOW = '2027-01-05T10:05:00.000Z';
const ALARM = { name: 'app-5xx', account: '111111111111', region: 'us-east-1', at: NOW };
const back = (g: RolloutGroup, status: string, refreshId = `b-${g.account}`): RolloutGroup => ({
  ...g,
  back: { version: g.fromVersion, refreshId, status },
});

describe("a finished wave's alarms", () => {
  it('are read in each account and Region a healthy wave refreshed, while the rollout runs or is paused only', () => {
    const record = rolloutRecord();
    const canary = record.waves[0];
    if (!canary) throw new Error('no canary');
    const twice = {
      ...record,
      waves: [{ ...canary, groups: [...canary.groups, canary.groups[0] as RolloutGroup] }, ...record.waves.slice(1)],
    };
    expect(alarmScopes(twice)).toEqual([{ wave: 0, account: '111111111111', region: 'us-east-1' }]);
    expect(alarmScopes({ ...record, state: 'paused' })).toHaveLength(1);
    for (const state of ['completed', 'halted', 'aborted', 'superseded'] as const) {
      expect(alarmScopes({ ...record, state })).toEqual([]);
    }
  });

  it('take the alarmed wave back: followed until every move-back refresh ended, rolled back when all succeeded', () => {
    const record = rolloutRecord({ state: 'halted' });
    const canary = record.waves[0]?.groups ?? [];
    const moving = withLateAlarm(
      record,
      0,
      ALARM,
      canary.map((g) => back(g, 'Pending')),
      NOW,
    );
    expect(moving.waves[0]).toMatchObject({ state: 'failed', alarm: ALARM });
    expect(alarmScopes({ ...moving, state: 'running' })).toEqual([]);
    expect(lateRefreshesToWatch(moving).map((g) => g.refreshId)).toEqual(['b-111111111111']);
    expect(planLateRollback(moving)).toEqual({ kind: 'wait' });
    // The current wave's statuses do not touch the alarmed wave, even when it is the current one.
    expect(withStatuses({ ...moving, currentWave: 0 }, [], NOW).waves[0]?.state).toBe('failed');
    const back1 = withLateAlarm(
      record,
      0,
      ALARM,
      canary.map((g) => back(g, 'Successful')),
      NOW,
    );
    expect(planLateRollback(back1)).toEqual({ kind: 'settled', rolledBack: [0] });
    const failed = withLateAlarm(
      record,
      0,
      ALARM,
      canary.map((g) => back(g, 'Failed')),
      NOW,
    );
    expect(planLateRollback(failed)).toEqual({ kind: 'settled', rolledBack: [] });
    expect(planLateRollback(record)).toEqual({ kind: 'none' });
  });

  it('name a group another refresh was running on, which could not be moved back, as skipped', () => {
    const record = rolloutRecord({ state: 'halted' });
    const g = rolloutGroup('111111111111', 'Successful');
    const busy = {
      ...g,
      back: { version: 4, refreshId: '', status: 'NotStarted', statusReason: 'InstanceRefreshInProgress' },
    };
    const halted = withLateAlarm(record, 0, ALARM, [busy], NOW);
    expect(halted.skippedGroups).toEqual([
      { account: g.account, region: g.region, group: g.group, reason: 'InstanceRefreshInProgress' },
    ]);
    expect(planLateRollback(halted)).toEqual({ kind: 'settled', rolledBack: [] });
  });
});

describe("a halted rollout's alarmed wave under lateAlarmScope account", () => {
  const twoAccounts = () => {
    const record = rolloutRecord({ state: 'halted' });
    const canary = record.waves[0];
    if (!canary) throw new Error('no canary');
    const groups = [rolloutGroup('111111111111', 'Successful'), rolloutGroup('222222222222', 'Successful')];
    const first = groups[0] as RolloutGroup;
    const withGroups = { ...record, waves: [{ ...canary, groups }, ...record.waves.slice(1)] };
    return withLateAlarm(withGroups, 0, { ...ALARM, scope: 'account' }, [back(first, 'Successful')], NOW);
  };
  const at = (minutes: number) => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();

  it('is read in its accounts not yet alarmed until bakeMinutes after the halt', () => {
    const halted = twoAccounts();
    expect(alarmWatchAfterHalt(halted, 60, at(10))).toEqual({
      wave: 0,
      until: at(60),
      scopes: [{ wave: 0, account: '222222222222', region: 'us-east-1' }],
    });
    expect(alarmWatchAfterHalt(halted, 60, at(60))).toBeUndefined();
    expect(alarmWatchAfterHalt(halted, 0, at(0))).toBeUndefined();
  });

  it('is no longer read once an operator acted on the rollout, under scope wave, or once the rollout is not halted', () => {
    const halted = twoAccounts();
    const retried = { ...halted, operatorActions: [{ action: 'retry' as const, by: 'ops', at: at(5) }] };
    expect(alarmWatchAfterHalt(retried, 60, at(10))).toBeUndefined();
    const wave = withLateAlarm(halted, 0, { ...ALARM, scope: 'wave' }, [], NOW);
    expect(alarmWatchAfterHalt(wave, 60, at(10))).toBeUndefined();
    expect(alarmWatchAfterHalt({ ...halted, state: 'running' }, 60, at(10))).toBeUndefined();
  });
});
