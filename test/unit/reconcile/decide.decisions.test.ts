import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW_DAYS,
  decideBuild,
  isFullPass,
  type LedgerBuildView,
  type ListedBuild,
  MAX_WINDOW_DAYS,
  needsLedgerLookup,
  planReconciliation,
  RECONCILE_PERIOD_HOURS,
  windowStart,
} from '../../../core/reconcile/index.js';

const NOW = new Date('2027-02-15T12:00:00Z');
const SINCE = new Date('2027-02-01T12:00:00Z');
const ARN = (n: number) => `arn:aws:imagebuilder:us-east-1:111122223333:image/goldsmith-base-3f9a2c1d/1.0.0/${n}`;

function build(n: number, status: string, createdAt = '2027-02-10T03:00:00Z'): ListedBuild {
  return { image: 'base', buildVersionArn: ARN(n), version: `1.0.0/${n}`, status, createdAt };
}
const seen = (statusesSeen: string[], handledStatuses: string[] = []): LedgerBuildView => ({
  statusesSeen,
  handledStatuses,
});

describe('windowStart: the window the reconciler accepts', () => {
  it('looks back 14 days by default and accepts up to 85, fractions of a day included', () => {
    expect(DEFAULT_WINDOW_DAYS).toBe(14);
    expect(MAX_WINDOW_DAYS).toBe(85);
    expect(windowStart(NOW, 85).toISOString()).toBe('2026-11-22T12:00:00.000Z');
    expect(windowStart(NOW, 0.5).toISOString()).toBe('2027-02-15T00:00:00.000Z');
  });

  it('refuses a window longer than 85 days, an empty or negative one, and one that is not a number, naming it', () => {
    expect(() => windowStart(NOW, 85.5)).toThrow(new RangeError('windowDays: must be in (0, 85], got 85.5'));
    expect(() => windowStart(NOW, 0)).toThrow(new RangeError('windowDays: must be in (0, 85], got 0'));
    expect(() => windowStart(NOW, -3)).toThrow(new RangeError('windowDays: must be in (0, 85], got -3'));
    expect(() => windowStart(NOW, Number.NaN)).toThrow(new RangeError('windowDays: must be in (0, 85], got NaN'));
    expect(() => windowStart(NOW, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('decideBuild: the reasons a build is left alone', () => {
  it('quotes a creation time it cannot read', () => {
    expect(decideBuild(build(3, 'AVAILABLE', 'yesterday'), undefined, SINCE)).toEqual({
      build: build(3, 'AVAILABLE', 'yesterday'),
      act: 'none',
      reason: 'no creation time: "yesterday"',
    });
  });

  it('names a status it does not act on', () => {
    expect(decideBuild(build(3, 'DEPRECATED'), undefined, SINCE)).toEqual({
      build: build(3, 'DEPRECATED'),
      act: 'none',
      reason: 'status DEPRECATED needs no action',
    });
  });

  it('acts on a build created at the first instant of the window, not one a millisecond before', () => {
    expect(decideBuild(build(3, 'FAILED', '2027-02-01T12:00:00.000Z'), undefined, SINCE)).toEqual({
      build: build(3, 'FAILED', '2027-02-01T12:00:00.000Z'),
      act: 'announce-failure',
      status: 'FAILED',
      missed: 'event',
    });
    expect(decideBuild(build(3, 'FAILED', '2027-02-01T11:59:59.999Z'), undefined, SINCE)).toMatchObject({
      act: 'none',
      reason: 'created before the window',
    });
  });

  it('acts again on a status handled for another status only', () => {
    expect(decideBuild(build(3, 'CANCELLED'), seen(['FAILED', 'CANCELLED'], ['FAILED']), SINCE)).toEqual({
      build: build(3, 'CANCELLED'),
      act: 'announce-failure',
      status: 'CANCELLED',
      missed: 'handling',
    });
  });
});

describe('planReconciliation', () => {
  it('keeps the first listing of a build listed twice', () => {
    const first = { ...build(3, 'AVAILABLE'), reason: 'first page' };
    const second = { ...build(3, 'FAILED'), reason: 'second page' };
    const plan = planReconciliation([first, second], new Map(), SINCE);
    expect(plan.actions).toEqual([{ build: first, act: 'promote', status: 'AVAILABLE', missed: 'event' }]);
    expect(plan.skipped).toEqual([]);
  });

  it('reads the ledger of each build by its own ARN', () => {
    const ledger = new Map([[ARN(4), seen(['AVAILABLE'], ['AVAILABLE'])]]);
    const plan = planReconciliation([build(3, 'AVAILABLE'), build(4, 'AVAILABLE')], ledger, SINCE);
    expect(plan.actions.map((a) => a.build.version)).toEqual(['1.0.0/3']);
    expect(plan.skipped).toEqual([{ build: build(4, 'AVAILABLE'), act: 'none', reason: 'AVAILABLE already handled' }]);
  });

  it('puts skipped builds in build order too', () => {
    const plan = planReconciliation(
      [build(7, 'BUILDING', '2027-02-12T00:00:00Z'), build(6, 'TESTING', '2027-02-11T00:00:00Z')],
      new Map(),
      SINCE,
    );
    expect(plan.skipped.map((s) => s.build.version)).toEqual(['1.0.0/6', '1.0.0/7']);
    expect(plan.actions).toEqual([]);
  });
});

describe('needsLedgerLookup', () => {
  it('reads the ledger for a terminal build created at the first instant of the window', () => {
    expect(needsLedgerLookup(build(3, 'CANCELLED', '2027-02-01T12:00:00.000Z'), SINCE)).toBe(true);
    expect(needsLedgerLookup(build(3, 'CANCELLED', '2027-02-01T11:59:59.999Z'), SINCE)).toBe(false);
  });

  it('does not read it for a build without a readable creation time', () => {
    expect(needsLedgerLookup(build(3, 'AVAILABLE', 'yesterday'), SINCE)).toBe(false);
  });
});

describe('isFullPass', () => {
  it('runs every 6 hours by default, the full pass in the first 6 hours of the UTC day', () => {
    expect(RECONCILE_PERIOD_HOURS).toBe(6);
    expect(isFullPass(new Date('2027-03-03T00:00:00Z'))).toBe(true);
    expect(isFullPass(new Date('2027-03-03T23:59:59Z'))).toBe(false);
    expect(isFullPass(new Date('2027-03-03T07:00:00Z'), 8)).toBe(true);
    expect(isFullPass(new Date('2027-03-03T08:00:00Z'), 8)).toBe(false);
  });
});
