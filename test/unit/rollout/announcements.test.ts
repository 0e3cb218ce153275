import { describe, expect, it } from 'vitest';
import { rolloutAnnouncements } from '../../../core/rollout/announcements.js';
import { newRolloutRecord } from '../../../core/rollout/plan.js';
import type { RolloutGroup, RolloutRecord } from '../../../core/rollout/record.js';

const NOW = '2026-11-26T00:00:00.000Z';
const base = newRolloutRecord({
  image: 'base',
  channel: 'prod',
  version: '1.0.0/3',
  amis: { 'us-east-1': 'ami-1' },
  waves: ['canary', 'wave-1'],
  now: NOW,
});
const group = (account: string, region: string, status: string): RolloutGroup => ({
  account,
  region,
  group: `web-${account}`,
  launchTemplateId: 'lt-1',
  fromVersion: 3,
  toVersion: 4,
  refreshId: `ir-${account}`,
  status,
});
const withWave = (
  r: RolloutRecord,
  i: number,
  state: RolloutRecord['waves'][number]['state'],
  groups: RolloutGroup[],
) => ({
  ...r,
  waves: r.waves.map((w, k) => (k === i ? { ...w, state, groups } : w)),
});

describe('rolloutAnnouncements', () => {
  it('announces a wave started with its groups, accounts, Regions and bake, and each skipped group once', () => {
    const started = {
      ...withWave(base, 0, 'refreshing', [
        group('111111111111', 'us-east-1', 'Pending'),
        group('111111111111', 'eu-west-1', 'Pending'),
      ]),
      skippedGroups: [
        {
          account: '111111111111',
          region: 'us-east-1',
          group: 'old',
          reason: 'it runs launch template version $Latest',
        },
      ],
    };
    expect(rolloutAnnouncements(undefined, started, 60)).toEqual([
      {
        event: 'rollout-group-skipped',
        detail: {
          account: '111111111111',
          region: 'us-east-1',
          group: 'old',
          reason: 'it runs launch template version $Latest',
        },
      },
      {
        event: 'rollout-wave-started',
        detail: {
          wave: 'canary',
          waveNumber: 1,
          waves: 2,
          groups: 2,
          accounts: 1,
          regions: ['eu-west-1', 'us-east-1'],
          bakeMinutes: 60,
        },
      },
    ]);
    // The same record again (a retried step): nothing new to say.
    expect(rolloutAnnouncements(started, started, 60)).toEqual([]);
  });

  it('announces a healthy wave naming the next, then the completion', () => {
    const running = withWave(base, 0, 'refreshing', [group('111111111111', 'us-east-1', 'InProgress')]);
    const healthy = withWave(running, 0, 'healthy', [group('111111111111', 'us-east-1', 'Successful')]);
    expect(rolloutAnnouncements(running, healthy, 60)).toEqual([
      { event: 'rollout-wave-healthy', detail: { wave: 'canary', waveNumber: 1, waves: 2, groups: 1, next: 'wave-1' } },
    ]);
    const last = {
      ...withWave(healthy, 1, 'healthy', [group('222222222222', 'us-east-1', 'Successful')]),
      state: 'completed' as const,
    };
    expect(rolloutAnnouncements(healthy, last, 60).map((a) => a.event)).toEqual([
      'rollout-wave-started',
      'rollout-wave-healthy',
      'rollout-completed',
    ]);
  });

  it('announces a halt with the reason and how many groups failed', () => {
    const running = withWave(base, 0, 'refreshing', [
      group('1', 'us-east-1', 'InProgress'),
      group('2', 'us-east-1', 'InProgress'),
    ]);
    const halted = {
      ...withWave(running, 0, 'failed', [
        group('1', 'us-east-1', 'RollbackInProgress'),
        group('2', 'us-east-1', 'InProgress'),
      ]),
      state: 'halted' as const,
      reason: 'wave canary failed: web-1 in 1 us-east-1: RollbackInProgress',
    };
    expect(rolloutAnnouncements(running, halted, 60)).toEqual([
      {
        event: 'rollout-halted',
        detail: {
          wave: 'canary',
          waveNumber: 1,
          waves: 2,
          reason: 'wave canary failed: web-1 in 1 us-east-1: RollbackInProgress',
          failedGroups: 1,
          groups: 2,
        },
      },
    ]);
  });
});
