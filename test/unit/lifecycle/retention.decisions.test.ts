import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BuildHistory,
  planRetention,
  type RetentionPolicy,
  rollbackTarget,
  withinRetention,
} from '../../../core/lifecycle/retention.js';

const policy: RetentionPolicy = { keep: 2, deleteAfterSeconds: 30 * 86_400, unpromotedGraceSeconds: 3 * 86_400 };
const on = (channel: string, at: string) => ({ channel, at });
const build = (version: string, promotions: { channel: string; at: string }[], extra: Partial<BuildHistory> = {}) => ({
  version,
  promotions,
  ...extra,
});
const plan = (builds: BuildHistory[], now: string, more: { pointers?: Record<string, string>; held?: string[] } = {}) =>
  planRetention({
    now,
    policy,
    builds,
    pointers: more.pointers ?? {},
    heldByDescendants: new Set(more.held ?? []),
  });

describe('withinRetention', () => {
  it('a revoked or deleted build gives up its place among the kept to the next older one', () => {
    const builds = [
      build('1.0.0/1', [on('prod', '2027-01-01T00:00:00Z')]),
      build('1.0.0/2', [on('prod', '2027-02-01T00:00:00Z')]),
      build('1.0.0/3', [on('prod', '2027-03-01T00:00:00Z')], { revokedAt: '2027-03-02T00:00:00Z' }),
      build('1.0.0/4', [on('prod', '2027-04-01T00:00:00Z')], { deletedAt: '2027-04-02T00:00:00Z' }),
    ];
    expect([...withinRetention(builds, 1)]).toEqual(['1.0.0/2']);
    expect([...withinRetention(builds, 2)].sort()).toEqual(['1.0.0/1', '1.0.0/2']);
  });

  it('orders a channel by when each version was promoted there, not by version', () => {
    // 1.0.0/3 reached prod first; 1.0.0/2 was promoted later (a slow soak) and is the newer promotion.
    const builds = [
      build('1.0.0/2', [on('prod', '2027-02-10T00:00:00Z')]),
      build('1.0.0/3', [on('prod', '2027-02-05T00:00:00Z')]),
      build('1.0.0/1', [on('prod', '2027-01-01T00:00:00Z')]),
    ];
    expect([...withinRetention(builds, 1)]).toEqual(['1.0.0/2']);
  });

  it('breaks a tie of promotion times by the newer version', () => {
    const at = '2027-02-01T00:00:00Z';
    const builds = [build('1.0.0/9', [on('prod', at)]), build('1.0.0/10', [on('prod', at)])];
    expect([...withinRetention(builds, 1)]).toEqual(['1.0.0/10']);
    expect([...withinRetention([...builds].reverse(), 1)]).toEqual(['1.0.0/10']);
  });

  it('keeps the newest per channel, so a version kept on one channel only is kept', () => {
    const builds = [
      build('1.0.0/1', [on('dev', '2027-01-01T00:00:00Z'), on('prod', '2027-01-03T00:00:00Z')]),
      build('1.0.0/2', [on('dev', '2027-02-01T00:00:00Z')]),
    ];
    expect([...withinRetention(builds, 1)].sort()).toEqual(['1.0.0/1', '1.0.0/2']);
    expect([...withinRetention(builds, 0)]).toEqual([]);
  });

  it('keeps exactly min(keep, promoted) versions of a single channel, the newest ones (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 9 }), (count, keep) => {
        const builds = Array.from({ length: count }, (_, i) =>
          build(`1.0.0/${i + 1}`, [on('prod', new Date(Date.UTC(2027, 0, 1 + i)).toISOString())]),
        );
        const kept = [...withinRetention(builds, keep)].sort(
          (a, b) => Number(a.split('/')[1]) - Number(b.split('/')[1]),
        );
        const expected = builds.slice(Math.max(0, count - keep)).map((b) => b.version);
        expect(kept).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });
});

describe('planRetention', () => {
  // Two newer promotions that fill the retention window (keep: 2), so older builds are out of it.
  const newer = [
    build('1.0.0/8', [on('prod', '2027-01-20T00:00:00Z')]),
    build('1.0.0/9', [on('prod', '2027-01-21T00:00:00Z')]),
  ];

  it('a pointer holds before retention does, and neither is retired', () => {
    const builds = [build('1.0.0/1', [on('prod', '2027-01-01T00:00:00Z')])];
    const p = plan(builds, '2027-06-01T00:00:00Z', { pointers: { prod: '1.0.0/1' } });
    expect(p).toEqual({ retire: [], keepShared: [], delete: [], held: { '1.0.0/1': 'pointer' } });
  });

  it('ignores a deleted build entirely', () => {
    const builds = [build('1.0.0/1', [], { settledAt: '2027-01-01T00:00:00Z', deletedAt: '2027-01-05T00:00:00Z' })];
    expect(plan(builds, '2027-06-01T00:00:00Z')).toEqual({ retire: [], keepShared: [], delete: [], held: {} });
  });

  it('lists what it retires oldest version first, whatever the ledger order', () => {
    const builds = ['1.0.0/10', '1.0.0/2', '1.0.0/9', '1.0.0/11', '1.0.0/12'].map((v, i) =>
      build(v, [on('prod', new Date(Date.UTC(2027, 0, 1 + Number(v.split('/')[1]), i)).toISOString())]),
    );
    expect(plan(builds, '2027-03-01T00:00:00Z').retire).toEqual(['1.0.0/2', '1.0.0/9', '1.0.0/10']);
  });

  it('does not retire again what is already retired or revoked, but still counts their wait', () => {
    const builds = [
      build('1.0.0/1', [on('prod', '2027-01-01T00:00:00Z')], { retiredAt: '2027-02-01T00:00:00Z' }),
      build('1.0.0/2', [on('prod', '2027-01-02T00:00:00Z')], { revokedAt: '2027-02-01T00:00:00Z' }),
      ...newer,
    ];
    const p = plan(builds, '2027-02-10T00:00:00Z');
    expect(p.retire).toEqual([]);
    expect(p.held).toEqual({ '1.0.0/1': 'grace', '1.0.0/2': 'grace', '1.0.0/8': 'retention', '1.0.0/9': 'retention' });
  });

  it('retires a build a descendant holds, but does not delete it', () => {
    const builds = [
      build('1.0.0/1', [on('prod', '2027-01-01T00:00:00Z')]),
      build('1.0.0/2', [on('prod', '2027-02-01T00:00:00Z')]),
      build('1.0.0/3', [on('prod', '2027-03-01T00:00:00Z')]),
    ];
    const p = plan(builds, '2027-12-01T00:00:00Z', { held: ['1.0.0/1'] });
    expect(p.retire).toEqual(['1.0.0/1']);
    expect(p.held['1.0.0/1']).toBe('descendant');
    const old = [build('1.0.0/0', [], { settledAt: '2027-01-01T00:00:00Z' })];
    expect(plan(old, '2027-12-01T00:00:00Z', { held: ['1.0.0/0'] })).toEqual({
      retire: [],
      keepShared: [],
      delete: [],
      held: { '1.0.0/0': 'descendant' },
    });
  });

  it('names why and since when each deletion happens, in days', () => {
    const builds = [
      build('1.0.0/1', [on('prod', '2027-01-01T00:00:00Z')], { retiredAt: '2027-01-10T00:00:00Z' }),
      build('1.0.0/2', [on('prod', '2027-01-02T00:00:00Z')], { revokedAt: '2027-01-11T00:00:00Z' }),
      build('1.0.0/3', [], { settledAt: '2027-01-12T00:00:00Z' }),
      ...newer,
    ];
    expect(plan(builds, '2027-06-01T00:00:00Z').delete).toEqual([
      { version: '1.0.0/1', reason: 'retired at 2027-01-10T00:00:00Z, kept 30d' },
      { version: '1.0.0/2', reason: 'revoked at 2027-01-11T00:00:00Z, kept 30d' },
      { version: '1.0.0/3', reason: 'never promoted at 2027-01-12T00:00:00Z, kept 3d' },
    ]);
  });

  it('a revoked build waits deleteAfter from its revocation, even if it was retired earlier', () => {
    const builds = [
      build('1.0.0/1', [on('prod', '2027-01-01T00:00:00Z')], {
        retiredAt: '2027-01-02T00:00:00Z',
        revokedAt: '2027-03-01T00:00:00Z',
      }),
    ];
    expect(plan(builds, '2027-03-30T00:00:00Z').held['1.0.0/1']).toBe('grace');
    expect(plan(builds, '2027-03-31T00:00:00Z').delete.map((d) => d.reason)).toEqual([
      'revoked at 2027-03-01T00:00:00Z, kept 30d',
    ]);
  });

  it('states a wait that is not whole days in hours', () => {
    const builds = [build('1.0.0/1', [], { settledAt: '2027-01-01T00:00:00Z' })];
    const at = (grace: number) =>
      planRetention({
        now: '2027-02-01T00:00:00Z',
        policy: { ...policy, unpromotedGraceSeconds: grace },
        builds,
        pointers: {},
        heldByDescendants: new Set(),
      }).delete[0]?.reason;
    expect(at(36 * 3600)).toBe('never promoted at 2027-01-01T00:00:00Z, kept 36h');
    expect(at(5400)).toBe('never promoted at 2027-01-01T00:00:00Z, kept 2h');
    expect(at(0)).toBe('never promoted at 2027-01-01T00:00:00Z, kept 0d');
  });

  it('a promoted build just leaving retention waits in grace; one never settled is in flight', () => {
    const builds = [
      build('1.0.0/1', [on('prod', '2027-01-01T00:00:00Z')]),
      build('1.0.0/2', []),
      build('1.0.0/3', [on('prod', '2027-03-01T00:00:00Z')]),
      build('1.0.0/4', [on('prod', '2027-04-01T00:00:00Z')]),
    ];
    expect(plan(builds, '2027-05-01T00:00:00Z').held).toEqual({
      '1.0.0/1': 'grace',
      '1.0.0/2': 'in-flight',
      '1.0.0/3': 'retention',
      '1.0.0/4': 'retention',
    });
  });

  it('deletes exactly when the wait has passed, to the second (property)', () => {
    const settled = Date.parse('2027-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 86_400 }), fc.integer({ min: -3, max: 3 }), (grace, offset) => {
        const now = new Date(settled + (grace + offset) * 1000).toISOString();
        const p = planRetention({
          now,
          policy: { ...policy, unpromotedGraceSeconds: grace },
          builds: [build('1.0.0/1', [], { settledAt: new Date(settled).toISOString() })],
          pointers: {},
          heldByDescendants: new Set(),
        });
        expect(p.delete.length).toBe(offset >= 0 ? 1 : 0);
        expect(p.held['1.0.0/1']).toBe(offset >= 0 ? undefined : 'grace');
      }),
      { numRuns: 40 },
    );
  });
});

describe('rollbackTarget', () => {
  const prod = (version: string, extra: Partial<BuildHistory> = {}) =>
    build(version, [on('prod', `2027-01-0${version.slice(-1)}T00:00:00Z`)], extra);

  it('skips retired and deleted versions as it skips revoked ones', () => {
    const builds = [
      prod('1.0.0/1'),
      prod('1.0.0/2', { retiredAt: '2027-02-01T00:00:00Z' }),
      prod('1.0.0/3', { deletedAt: '2027-02-01T00:00:00Z' }),
      prod('1.0.0/4'),
    ];
    expect(rollbackTarget(builds, 'prod', '1.0.0/4')).toBe('1.0.0/1');
  });

  it('picks the newest earlier version, never a later one nor the one it leaves', () => {
    const builds = [prod('1.0.0/1'), prod('1.0.0/2'), prod('1.0.0/3'), prod('1.0.0/4')];
    expect(rollbackTarget(builds, 'prod', '1.0.0/3')).toBe('1.0.0/2');
    expect(rollbackTarget([...builds].reverse(), 'prod', '1.0.0/3')).toBe('1.0.0/2');
    expect(rollbackTarget(builds, 'prod', '1.0.0/1')).toBeUndefined();
    expect(rollbackTarget(builds, 'prod', '1.0.0/3', '1.0.0/4')).toBeUndefined();
    expect(rollbackTarget(builds, 'prod', '1.0.0/3', '1.0.0/3')).toBeUndefined();
    expect(rollbackTarget(builds, 'prod', '1.0.0/3', '1.0.0/1')).toBe('1.0.0/1');
  });

  it('compares versions numerically (1.0.0/10 is newer than 1.0.0/9)', () => {
    const builds = [
      build('1.0.0/9', [on('prod', '2027-01-01T00:00:00Z')]),
      build('1.0.0/10', [on('prod', '2027-01-02T00:00:00Z')]),
      build('1.0.0/11', [on('prod', '2027-01-03T00:00:00Z')]),
    ];
    expect(rollbackTarget(builds, 'prod', '1.0.0/11')).toBe('1.0.0/10');
  });

  it('only considers versions promoted to that channel', () => {
    const builds = [build('1.0.0/1', [on('dev', '2027-01-01T00:00:00Z')]), prod('1.0.0/2')];
    expect(rollbackTarget(builds, 'prod', '1.0.0/2')).toBeUndefined();
    expect(rollbackTarget(builds, 'prod', '1.0.0/2', '1.0.0/1')).toBeUndefined();
  });
});
