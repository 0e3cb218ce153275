import { describe, expect, it } from 'vitest';
import { historyOf } from '../../../cli/operator/ledger-history.js';
import { renderRolloutStatus } from '../../../cli/operator/rollout-text.js';
import type { SkippedGroup } from '../../../core/rollout/record.js';
import { rolloutHistory } from '../../../core/status/rollout-history.js';
import { rolloutStatusLine } from '../../../core/status/rollout-view.js';
import { rolloutRecord as running } from '../../fixtures/rollouts.js';

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
