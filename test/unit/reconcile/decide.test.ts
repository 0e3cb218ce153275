import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideBuild,
  isFullPass,
  type LedgerBuildView,
  type ListedBuild,
  needsLedgerLookup,
  planReconciliation,
  windowStart,
} from '../../../core/reconcile/index.js';

const NOW = new Date('2027-02-15T12:00:00Z');
const SINCE = windowStart(NOW, 14);
const ARN = (n: number) => `arn:aws:imagebuilder:us-east-1:111122223333:image/goldsmith-base-3f9a2c1d/1.0.0/${n}`;

function build(n: number, status: string, createdAt = '2027-02-10T03:00:00Z'): ListedBuild {
  return { image: 'base', buildVersionArn: ARN(n), version: `1.0.0/${n}`, status, createdAt };
}

const seen = (statusesSeen: string[], handledStatuses: string[] = []): LedgerBuildView => ({
  statusesSeen,
  handledStatuses,
});

describe('windowStart', () => {
  it('goes back the given number of days from now', () => {
    expect(windowStart(NOW, 14).toISOString()).toBe('2027-02-01T12:00:00.000Z');
  });

  it('refuses a window Step Functions execution names could not protect, or an empty one', () => {
    expect(() => windowStart(NOW, 120)).toThrow(/windowDays/);
    expect(() => windowStart(NOW, 0)).toThrow(/windowDays/);
  });
});

describe('decideBuild', () => {
  it('promotes an AVAILABLE build whose event never reached the ledger', () => {
    const decision = decideBuild(build(3, 'AVAILABLE'), undefined, SINCE);

    expect(decision).toMatchObject({ act: 'promote', status: 'AVAILABLE', missed: 'event' });
  });

  it('announces FAILED and CANCELLED builds that were missed', () => {
    expect(decideBuild(build(3, 'FAILED'), seen(['BUILDING']), SINCE)).toMatchObject({
      act: 'announce-failure',
      missed: 'event',
    });
    expect(decideBuild(build(4, 'CANCELLED'), undefined, SINCE)).toMatchObject({
      act: 'announce-failure',
      status: 'CANCELLED',
    });
  });

  it('says the handling was missed when the status was recorded but its action never completed', () => {
    const decision = decideBuild(build(3, 'AVAILABLE'), seen(['TESTING', 'AVAILABLE']), SINCE);

    expect(decision).toMatchObject({ act: 'promote', missed: 'handling' });
  });

  it('does nothing for a build whose status was already handled', () => {
    const decision = decideBuild(build(3, 'AVAILABLE'), seen(['AVAILABLE'], ['AVAILABLE']), SINCE);

    expect(decision).toEqual({ build: build(3, 'AVAILABLE'), act: 'none', reason: 'AVAILABLE already handled' });
  });

  it('leaves builds still in progress, or retired since, alone', () => {
    for (const status of ['BUILDING', 'TESTING', 'DISTRIBUTING', 'DEPRECATED', 'DELETED']) {
      expect(decideBuild(build(3, status), undefined, SINCE).act).toBe('none');
    }
  });

  it('leaves builds created before the window alone', () => {
    const old = build(1, 'AVAILABLE', '2027-01-20T03:00:00Z');

    expect(decideBuild(old, undefined, SINCE)).toMatchObject({ act: 'none', reason: 'created before the window' });
  });

  it('does not act on a build without a readable creation time', () => {
    expect(decideBuild(build(3, 'AVAILABLE', 'yesterday'), undefined, SINCE).act).toBe('none');
  });
});

describe('planReconciliation', () => {
  it('acts on each missed build once, oldest first, and reports the rest as skipped', () => {
    const builds = [
      build(5, 'AVAILABLE', '2027-02-12T03:00:00Z'),
      build(4, 'FAILED', '2027-02-11T03:00:00Z'),
      build(5, 'AVAILABLE', '2027-02-12T03:00:00Z'),
      build(3, 'AVAILABLE', '2027-02-10T03:00:00Z'),
      build(6, 'BUILDING', '2027-02-15T03:00:00Z'),
    ];
    const ledger = new Map([[ARN(3), seen(['AVAILABLE'], ['AVAILABLE'])]]);

    const plan = planReconciliation(builds, ledger, SINCE);

    expect(plan.actions.map((a) => [a.build.version, a.act])).toEqual([
      ['1.0.0/4', 'announce-failure'],
      ['1.0.0/5', 'promote'],
    ]);
    expect(plan.skipped.map((s) => s.build.version)).toEqual(['1.0.0/3', '1.0.0/6']);
  });

  it('never acts on a build whose status the ledger marks handled (property)', () => {
    const status = fc.constantFrom('AVAILABLE', 'FAILED', 'CANCELLED', 'BUILDING', 'DEPRECATED');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 50 }), status, fc.boolean())), (rows) => {
        const builds = rows.map(([n, s]) => build(n, s));
        const ledger = new Map(rows.filter(([, , handled]) => handled).map(([n, s]) => [ARN(n), seen([s], [s])]));
        const { actions } = planReconciliation(builds, ledger, SINCE);
        const acted = actions.map((a) => a.build.buildVersionArn);
        expect(new Set(acted).size).toBe(acted.length);
        for (const a of actions)
          expect(ledger.get(a.build.buildVersionArn)?.handledStatuses ?? []).not.toContain(a.status);
      }),
    );
  });
});

describe('needsLedgerLookup', () => {
  it('reads the ledger only for terminal builds inside the window', () => {
    expect(needsLedgerLookup(build(3, 'AVAILABLE'), SINCE)).toBe(true);
    expect(needsLedgerLookup(build(3, 'TESTING'), SINCE)).toBe(false);
    expect(needsLedgerLookup(build(3, 'FAILED', '2026-12-01T00:00:00Z'), SINCE)).toBe(false);
  });
});

describe('isFullPass', () => {
  it('makes exactly one run a day the full pass, whatever hour the six-hourly schedule started at', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 * 3_600_000 - 1 }), (offset) => {
        const day = Date.UTC(2027, 2, 3);
        const runs = [0, 1, 2, 3].map((i) => new Date(day + offset + i * 6 * 3_600_000));
        return runs.filter((run) => isFullPass(run, 6)).length === 1;
      }),
    );
    expect(isFullPass(new Date('2027-03-03T05:59:59Z'))).toBe(true);
    expect(isFullPass(new Date('2027-03-03T06:00:00Z'))).toBe(false);
  });
});
