import { describe, expect, it } from 'vitest';
import { historyOf } from '../../../cli/operator/ledger-history.js';
import { renderRolloutStatus } from '../../../cli/operator/rollout-text.js';
import type { SkippedGroup } from '../../../core/rollout/record.js';
import { rolloutHistory } from '../../../core/status/rollout-history.js';
import { rolloutStatusLine } from '../../../core/status/rollout-view.js';
import { rolloutMark } from '../../../local/simulator/timeline-ledger.js';
import { rolloutGroup, rolloutRecord as running } from '../../fixtures/rollouts.js';

describe('skipped groups are counted from each wave, not from the names the record keeps', () => {
  // A wave's start records at most 50 skipped groups by name, and counts them all in `waves[i].skipped`.
  const named: SkippedGroup[] = Array.from({ length: 50 }, (_, i) => ({
    account: '200000000001',
    region: 'us-east-1',
    group: `team-${i}`,
    reason: 'it has no launch template',
    wave: 'canary',
  }));
  const later: SkippedGroup = { account: '200000000002', region: 'us-east-1', group: 'web', reason: 'busy' };
  const flooded = () => {
    const r = running({ skippedGroups: [...named, later] });
    const [canary] = r.waves;
    if (canary) canary.skipped = { total: 1000, reasons: [{ reason: 'it has no launch template', groups: 1000 }] };
    return r;
  };

  it('status and history say 1001 groups, not the 51 named', () => {
    expect(rolloutStatusLine(flooded())).toMatch(/; 1001 groups skipped$/);
    const skipped = rolloutHistory(flooded()).find((l) => l.kind === 'ROLLOUT-SKIPPED');
    expect(skipped?.what).toBe('rollout: 1001 groups following the channel skipped (not refreshed)');
    expect(skipped?.details).toHaveLength(51);
  });
});

describe('a stopped rollout (its execution no longer runs) has its own line', () => {
  const stopped = () =>
    running({
      state: 'stopped',
      endedAt: '2027-01-06T00:00:00.000Z',
      reason: 'its execution is ABORTED while the rollout was running',
    });

  it('in status, with when, why and what follows', () => {
    expect(rolloutStatusLine(stopped())).toBe(
      'rollout 1.0.0/3: stopped 2027-01-06 00:00: its execution is ABORTED while the rollout was running — no further wave; see docs/operating/runbooks.md',
    );
  });

  it('in history', () => {
    expect(rolloutHistory(stopped()).at(-1)).toEqual({
      at: '2027-01-06T00:00:00.000Z',
      what: 'rollout stopped: its execution is ABORTED while the rollout was running — no further wave; see docs/operating/runbooks.md',
      kind: 'ROLLOUT-END',
    });
  });
});

describe('a superseded rollout lists the wave the revocation caught by its outcome', () => {
  it('rollout status says the wave was superseded, not still refreshing', () => {
    const superseded = running({ state: 'superseded', endedAt: '2027-01-06T00:00:00.000Z', reason: 'revoked: CVE' });
    const text = renderRolloutStatus(superseded);
    expect(text).toMatch(/wave 2\/3 wave-1: superseded \(started/);
    expect(text).not.toMatch(/refreshing/);
    expect(text).toMatch(/wave 1\/3 canary: healthy/);
  });
});

describe('a halt and the rollback it caused at the same instant', () => {
  it('history tells the halt, then the rollback', () => {
    const at = '2027-01-05T10:00:00.000Z';
    const r = running({
      state: 'halted',
      endedAt: at,
      reason: 'wave wave-1 failed: web in 222222222222 us-east-1: Failed',
    });
    const wave = r.waves[1];
    if (wave) Object.assign(wave, { state: 'rolled-back', endedAt: at });
    const item = { pk: 'IMAGE#base', sk: 'ROLLOUT#prod#1.0.0/3', kind: 'rollout', ...r };
    const told = historyOf([item]).map((e) => e.what);
    const halted = told.findIndex((w) => w.startsWith('rollout halted'));
    const back = told.findIndex((w) => w.includes('(wave-1) rolled back'));
    expect(halted).toBeGreaterThanOrEqual(0);
    expect(back).toBe(halted + 1);
  });
});

/** The rollout's story as `history` orders it: by time, then by what caused what within an instant. */
const story = (r: ReturnType<typeof running>) =>
  historyOf([{ pk: 'IMAGE#base', sk: 'ROLLOUT#prod#1.0.0/3', kind: 'rollout', ...r }]).map(
    (e) => `${e.at.replace('T', ' ').slice(0, 16)} ${e.what}`,
  );

describe("history tells each wave's steps in causal order", () => {
  it('a late alarm: the wave healthy, then the halt, then the rollback it caused, when it was recorded', () => {
    const r = running({
      state: 'halted',
      endedAt: '2027-01-05T14:00:00.000Z',
      reason: 'wave canary alarm app-5xx in ALARM in 111111111111 us-east-1 after the wave finished',
    });
    const canary = r.waves[0];
    const alarm = { name: 'app-5xx', account: '111111111111', region: 'us-east-1', at: '2027-01-05T14:00:00.000Z' };
    if (canary) Object.assign(canary, { state: 'rolled-back', alarm, rolledBackAt: '2027-01-05T14:40:00.000Z' });
    const told = story(r);
    const healthy = told.findIndex((l) =>
      /^2027-01-05 09:12.*\(canary\) healthy: 1 group refreshed and baked$/.test(l),
    );
    const halted = told.findIndex((l) => /^2027-01-05 14:00 rollout halted: wave canary alarm/.test(l));
    const back = told.findIndex((l) => /^2027-01-05 14:40 .*\(canary\) rolled back: 1 group back/.test(l));
    expect([healthy >= 0, halted > healthy, back > halted]).toEqual([true, true, true]);
  });

  it('a failed wave: failed, the halt, then its rollback when every group was back', () => {
    const r = running({ state: 'halted', endedAt: '2027-01-05T10:00:00.000Z', reason: 'wave wave-1 failed: x' });
    const wave = r.waves[1];
    if (wave) {
      Object.assign(wave, { state: 'rolled-back', endedAt: '2027-01-05T10:00:00.000Z' });
      Object.assign(wave, { rolledBackAt: '2027-01-05T10:30:00.000Z' });
    }
    const told = story(r).filter((l) => l.includes('wave-1') || l.includes('halted'));
    expect(told.map((l) => l.slice(0, 16))).toEqual([
      '2027-01-05 09:12',
      '2027-01-05 10:00',
      '2027-01-05 10:00',
      '2027-01-05 10:30',
    ]);
    expect(told[1]).toMatch(/\(wave-1\) failed:/);
    expect(told[2]).toMatch(/rollout halted/);
    expect(told[3]).toMatch(/\(wave-1\) rolled back/);
  });
});

describe('an aborted rollout before the engine read its cancels back', () => {
  // The operator's abort is written at once; the engine cancels and reads the refreshes at its next check.
  const aborted = () =>
    running({ state: 'aborted', by: 'alice', reason: 'regression', endedAt: '2027-01-05T10:01:00.000Z' });

  it('status counts the refresh still read InProgress as cancelled, not as under way or refreshed', () => {
    expect(rolloutStatusLine(aborted())).toBe(
      'rollout 1.0.0/3: aborted by alice 2027-01-05 10:01 at wave 2/3 (wave-1), 3 groups refreshed, 1 group cancelled: regression',
    );
  });

  it('rollout status shows its cancel requested, not the status read before the abort', () => {
    const text = renderRolloutStatus(aborted());
    expect(text).toMatch(/444444444444 us-east-1 web-444: cancel requested by the abort \(last read InProgress\)/);
    expect(text).not.toMatch(/: InProgress \(template/);
  });
});

describe('an aborted rollout whose wave’s refreshes the engine read back Cancelled', () => {
  // Six groups of wave-1 cancelled by the abort, the wave ended as the engine read them (failed, by their status).
  const six = ['222', '333', '444', '555', '666', '777'].map((a) => rolloutGroup(a.repeat(4), 'Cancelled'));
  const aborted = (groups = six) => {
    const r = running({ state: 'aborted', by: 'alice', reason: 'regression', endedAt: '2027-01-05T10:01:00.000Z' });
    const wave = r.waves[1];
    if (wave) Object.assign(wave, { state: 'failed', endedAt: '2027-01-05T10:02:00.000Z', groups });
    return r;
  };
  const waveEnd = (r: ReturnType<typeof aborted>) =>
    rolloutHistory(r).find((l) => l.kind === 'ROLLOUT-WAVE-END' && l.what.includes('(wave-1)'));

  it('history and the simulation’s timeline say the wave was cancelled, as status counts it', () => {
    const end = waveEnd(aborted());
    expect(end?.what).toBe('rollout wave 2/3 (wave-1) cancelled: 6/6 groups cancelled');
    expect(end && rolloutMark(end)).toBe('wave-cancelled');
    expect(rolloutStatusLine(aborted())).toMatch(/, 6 groups cancelled: regression$/);
  });

  it('a refresh that failed beside the cancelled ones still fails the wave, named as the cause', () => {
    const mixed = [rolloutGroup('222222222222', 'Failed', 'launch failed'), ...six.slice(1)];
    const end = waveEnd(aborted(mixed));
    expect(end?.what).toBe(
      'rollout wave 2/3 (wave-1) failed: 1/6 groups failed (web-222 in 222222222222 us-east-1: Failed, launch failed); 5 cancelled',
    );
    expect(end && rolloutMark(end)).toBe('wave-failed');
  });
});
