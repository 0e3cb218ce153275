import { describe, expect, it } from 'vitest';
import { renderRolloutStatus } from '../../../cli/operator/rollout-text.js';
import { ROLLOUT_TEXT } from '../../../core/notifications/rollout-text.js';
import { haltReason } from '../../../core/rollout/halt.js';
import { type InstanceView, leftBehindOf } from '../../../core/rollout/left-behind.js';
import { mixedSentOf, mixedSentText } from '../../../core/rollout/mixed-sent.js';
import { rolloutRefusal } from '../../../core/rollout/operator.js';
import type { RolloutGroup } from '../../../core/rollout/record.js';
import { rolloutHistory } from '../../../core/status/rollout-history.js';
import { rolloutStatusLine } from '../../../core/status/rollout-view.js';
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

describe('a rollout superseded after it completed: every command names the revocation time', () => {
  const r = rolloutRecord({
    state: 'superseded',
    reason: 'revoked: a critical finding',
    endedAt: '2027-01-05T12:00:00.000Z',
    updatedAt: '2027-01-07T15:30:00.000Z',
    takenBack: { from: 'completed', at: '2027-01-07T15:30:00.000Z' },
    openWork: undefined,
  });

  it('rollout status, the refusal of pause and retry, and status agree on 2027-01-07 15:30', () => {
    expect(renderRolloutStatus(r).split('\n')[0]).toBe(
      'base/prod rollout 1.0.0/3: superseded at 2027-01-07 15:30: revoked: a critical finding (it had completed at 2027-01-05 12:00)',
    );
    expect(rolloutRefusal('pause', { image: 'base', channel: 'prod' }, r)).toBe(
      'the rollout of base 1.0.0/3 to prod already ended, superseded at 2027-01-07T15:30:00.000Z: revoked: a critical ' +
        'finding (it had completed at 2027-01-05T12:00:00.000Z) (base/prod has no rollout in flight): nothing to pause',
    );
    expect(rolloutRefusal('retry', { image: 'base', channel: 'prod' }, r)).toContain(
      'ended superseded at 2027-01-07T15:30:00.000Z',
    );
    expect(rolloutStatusLine(r)).toContain('superseded 2027-01-07 15:30');
  });
});

describe('rollout status names where left-behind instances are', () => {
  const withLeft = (fromImageId: string) => {
    const r = rolloutRecord();
    const canary = r.waves[0];
    if (!canary) throw new Error('fixture has a canary');
    canary.groups = [{ ...left(rolloutGroup('111111111111', 'Successful'), 2, 4, 0), fromImageId }];
    return renderRolloutStatus(r);
  };

  it('the version the group ran, when it held the AMI before', () => {
    expect(withLeft('ami-00000000000000001')).toContain(
      '(template lt-0123456789abcdef0 v4 -> v5, refresh r-111111111111); left on v4: 4 instances (4 protected from scale in)',
    );
  });

  it("not a version that already holds this rollout's AMI (a retry's refresh from the first attempt's version)", () => {
    const text = withLeft('ami-0a1b2c3d4e5f60001');
    expect(text).not.toContain('left on v4:');
    expect(text).toContain(
      "; left on a version before v5: 4 instances (4 protected from scale in) (v4, the version the group ran, already holds this rollout's ami-0a1b2c3d4e5f60001)",
    );
  });
});

describe('rollout status names left-behind instances by their own versions', () => {
  const withInstances = (instances: InstanceView[]) => {
    const r = rolloutRecord();
    const canary = r.waves[0];
    if (!canary) throw new Error('fixture has a canary');
    const g = rolloutGroup('111111111111', 'Successful');
    canary.groups = [{ ...g, leftBehind: leftBehindOf(instances, g.toVersion, g.launchTemplateId) }];
    return renderRolloutStatus(r);
  };
  const on = (version: string, protectedFromScaleIn: boolean, lifecycleState = 'InService') => ({
    launchTemplateId: 'lt-0123456789abcdef0',
    version,
    protectedFromScaleIn,
    lifecycleState,
    healthStatus: 'Healthy',
  });

  it('instances protected since v1 in a group that ran v4 are left on v1, not on v4', () => {
    const text = withInstances([on('5', false), on('1', true), on('1', true)]);
    expect(text).toContain('refresh r-111111111111); left on v1: 2 instances (2 protected from scale in)');
    expect(text).not.toContain('left on v4');
  });

  it('instances on several versions are each counted on their own', () => {
    const text = withInstances([on('5', false), on('1', true), on('4', false, 'Standby')]);
    expect(text).toContain('; left on v1 (1), v4 (1): 2 instances (1 protected from scale in, 1 in Standby)');
  });
});

describe('an ended rollout says where its groups are', () => {
  const unmovedGroup = (account: string) => left(rolloutGroup(account, 'Successful'), 0, 3, 0);

  it("a halted rollout's unstarted wave will not start", () => {
    const r = rolloutRecord({ state: 'halted', endedAt: '2027-01-05T10:00:00.000Z', reason: 'wave wave-1 failed' });
    const text = renderRolloutStatus(r);
    expect(text).toContain('  wave 3/3 rest: will not start (the rollout halted)');
    expect(text).not.toContain('rest: pending');
  });

  it('a completed rollout counts the groups that moved no instance apart from those refreshed', () => {
    const r = rolloutRecord({ state: 'completed', endedAt: '2027-01-05T12:00:00.000Z', currentWave: 2 });
    const [canary, wave1, rest] = r.waves;
    if (!canary || !wave1 || !rest) throw new Error('fixture has three waves');
    wave1.state = 'healthy';
    wave1.groups = [rolloutGroup('222222222222', 'Successful'), unmovedGroup('333333333333')];
    rest.state = 'healthy';
    rest.groups = [unmovedGroup('444444444444')];
    expect(rolloutStatusLine(r)).toBe(
      'rollout 1.0.0/3: completed 2027-01-05 12:00, 3 waves, 2 groups refreshed, 2 groups moved no instance',
    );
    expect(rolloutHistory(r).map((l) => l.what)).toContain(
      'rollout completed: 3 wave(s), 2 groups refreshed, 2 groups moved no instance',
    );
    const subject = { image: 'base', channel: 'prod', version: '1.0.0/3' };
    expect(ROLLOUT_TEXT['rollout-completed'](subject, { waves: 3, groups: 4, unmoved: 2, skipped: 0 }).summary).toBe(
      '3 waves, 2 groups refreshed, 2 moved no instance.',
    );
  });

  it('history tells a group the rollout refreshed and a take-back left where its team moved it as refreshed, not skipped', () => {
    const reason =
      'its team moved it on since the rollout (it runs launch template lt-0123456789abcdef0 version 7, not v5 of lt-0123456789abcdef0): left as it is';
    const moved = rolloutGroup('111111111111', 'Successful');
    const r = rolloutRecord({
      state: 'superseded',
      endedAt: '2027-01-06T12:00:00.000Z',
      skippedGroups: [
        { account: '111111111111', region: 'us-east-1', group: moved.group, reason },
        { account: '555555555555', region: 'us-east-1', group: 'web-555', reason: 'uses $Latest', wave: 'canary' },
      ],
    });
    const canary = r.waves[0];
    if (!canary) throw new Error('fixture has a canary');
    canary.groups = [{ ...moved, back: { version: 5, refreshId: '', status: 'NotMoved', statusReason: reason } }];
    const story = rolloutHistory(r);
    expect(story.map((l) => l.what)).toEqual(
      expect.arrayContaining([
        'rollout: 1 group following the channel skipped (not refreshed)',
        'rollout: 1 group refreshed, then left as its team moved it since (not taken back)',
      ]),
    );
    expect(story.find((l) => l.what.includes('then left'))?.details).toEqual([
      `web-111 in 111111111111 us-east-1: ${reason}`,
    ]);
  });
});

describe("what a mixed-instances group's refresh sent", () => {
  it("uses AWS's defaults (base 0, 100% On-Demand) and names at most ten instance types", () => {
    const types = Array.from({ length: 12 }, (_, i) => ({ InstanceType: `m${i}.large` }));
    const sent = mixedSentOf({ LaunchTemplate: { Overrides: types } });
    expect(sent).toMatchObject({ types: 12, onDemandBase: 0, onDemandPercentAboveBase: 100 });
    expect(sent.instanceTypes).toHaveLength(10);
    expect(mixedSentText(sent)).toBe(
      `mixed instances: ${types
        .slice(0, 10)
        .map((t) => t.InstanceType)
        .join(', ')} and 2 more kept; On-Demand base 0, all On-Demand`,
    );
  });
});
