import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BuildHistory,
  planRetention,
  type RetentionInput,
  type RetentionPolicy,
  rollbackTarget,
  withinRetention,
} from '../../../core/lifecycle/retention.js';

const CHANNELS = ['dev', 'staging', 'prod'];
const DAY = 86_400_000;
const T0 = Date.parse('2027-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A random promotion history: builds in version order, each promoted through a prefix of the channels, settled
 * unpromoted, or still in flight; some revoked; pointers on each channel's newest unrevoked promoted build. */
const historyArb = fc
  .array(
    fc.record({
      reach: fc.integer({ min: -1, max: CHANNELS.length }), // -1: in flight; 0: settled unpromoted; n: first n channels
      revoked: fc.boolean(),
      gapDays: fc.integer({ min: 1, max: 40 }),
    }),
    { minLength: 1, maxLength: 14 },
  )
  .map((rows) => {
    let t = T0;
    const builds: BuildHistory[] = rows.map((r, i) => {
      t += r.gapDays * DAY;
      const promotions = CHANNELS.slice(0, Math.max(0, r.reach)).map((channel, c) => ({
        channel,
        at: iso(t + c * DAY),
      }));
      return {
        version: `1.0.0/${i + 1}`,
        promotions,
        ...(r.reach === 0 ? { settledAt: iso(t) } : {}),
        ...(r.revoked && r.reach > 0 ? { revokedAt: iso(t + 5 * DAY) } : {}),
      };
    });
    return { builds, end: t + 10 * DAY };
  });

const policyArb: fc.Arbitrary<RetentionPolicy> = fc.record({
  keep: fc.integer({ min: 1, max: 4 }),
  deleteAfterSeconds: fc.integer({ min: 0, max: 60 }).map((d) => d * 86_400),
  unpromotedGraceSeconds: fc.integer({ min: 0, max: 10 }).map((d) => d * 86_400),
});

function pointersOf(builds: readonly BuildHistory[]): Record<string, string> {
  const pointers: Record<string, string> = {};
  for (const b of builds) {
    if (b.revokedAt) continue;
    for (const p of b.promotions) pointers[p.channel] = b.version;
  }
  return pointers;
}

/** Applies a plan as the lifecycle step would (retire → retiredAt, delete → deletedAt). */
function apply(builds: BuildHistory[], input: RetentionInput): BuildHistory[] {
  const plan = planRetention(input);
  const deleted = new Set(plan.delete.map((d) => d.version));
  return builds.map((b) => ({
    ...b,
    ...(plan.retire.includes(b.version) ? { retiredAt: input.now } : {}),
    ...(deleted.has(b.version) ? { deletedAt: input.now } : {}),
  }));
}

describe('planRetention', () => {
  it('never retires what a pointer names or what is within a channel retention, nor deletes what a descendant holds', () => {
    fc.assert(
      fc.property(historyArb, policyArb, fc.array(fc.nat(14)), ({ builds, end }, policy, held) => {
        const pointers = pointersOf(builds);
        const heldByDescendants = new Set(held.map((i) => `1.0.0/${i + 1}`));
        const plan = planRetention({ now: iso(end), policy, builds, pointers, heldByDescendants });
        const launchable = new Set([...Object.values(pointers), ...withinRetention(builds, policy.keep)]);
        for (const v of plan.retire) expect(launchable.has(v)).toBe(false);
        for (const { version } of plan.delete) {
          expect(launchable.has(version)).toBe(false);
          expect(heldByDescendants.has(version)).toBe(false);
        }
      }),
    );
  });

  it('never touches a build still in flight', () => {
    fc.assert(
      fc.property(historyArb, policyArb, ({ builds, end }, policy) => {
        const plan = planRetention({
          now: iso(end + 1000 * DAY),
          policy,
          builds,
          pointers: pointersOf(builds),
          heldByDescendants: new Set(),
        });
        const inFlight = builds.filter((b) => b.promotions.length === 0 && !b.settledAt).map((b) => b.version);
        for (const v of inFlight) {
          expect(plan.retire).not.toContain(v);
          expect(plan.delete.map((d) => d.version)).not.toContain(v);
        }
      }),
    );
  });

  it('retires a promoted build before deleting it, and deletes it only deleteAfter later', () => {
    fc.assert(
      fc.property(historyArb, policyArb, ({ builds, end }, policy) => {
        let state = builds;
        const pointers = pointersOf(builds);
        for (let day = 0; day <= 120; day += 7) {
          const now = iso(end + day * DAY);
          const plan = planRetention({ now, policy, builds: state, pointers, heldByDescendants: new Set() });
          for (const d of plan.delete) {
            const b = state.find((x) => x.version === d.version);
            if (!b || b.promotions.length === 0) continue;
            const since = b.revokedAt ?? b.retiredAt;
            expect(since).toBeDefined();
            expect(Date.parse(now) - Date.parse(since ?? now)).toBeGreaterThanOrEqual(policy.deleteAfterSeconds * 1000);
          }
          state = apply(state, { now, policy, builds: state, pointers, heldByDescendants: new Set() });
        }
      }),
    );
  });

  it('eventually deletes every settled build nothing holds', () => {
    fc.assert(
      fc.property(historyArb, policyArb, ({ builds, end }, policy) => {
        const pointers = pointersOf(builds);
        const input = (state: BuildHistory[], now: number): RetentionInput => ({
          now: iso(now),
          policy,
          builds: state,
          pointers,
          heldByDescendants: new Set(),
        });
        let state = apply(builds, input(builds, end));
        state = apply(state, input(state, end + 61 * DAY));
        const kept = new Set([...Object.values(pointers), ...withinRetention(builds, policy.keep)]);
        for (const b of state) {
          const inFlight = b.promotions.length === 0 && !b.settledAt;
          if (kept.has(b.version) || inFlight) expect(b.deletedAt).toBeUndefined();
          else expect(b.deletedAt).toBeDefined();
        }
      }),
    );
  });

  it('decides nothing new when run twice at the same instant (idempotent)', () => {
    fc.assert(
      fc.property(historyArb, policyArb, ({ builds, end }, policy) => {
        const base = { now: iso(end), policy, pointers: pointersOf(builds), heldByDescendants: new Set<string>() };
        const once = apply(builds, { ...base, builds });
        const again = planRetention({ ...base, builds: once });
        expect(again.retire).toEqual([]);
        expect(again.delete.filter((d) => once.find((b) => b.version === d.version)?.deletedAt)).toEqual([]);
      }),
    );
  });
});

describe('planRetention examples', () => {
  const policy = { keep: 2, deleteAfterSeconds: 30 * 86_400, unpromotedGraceSeconds: 3 * 86_400 };
  const promoted = (version: string, at: string): BuildHistory => ({ version, promotions: [{ channel: 'prod', at }] });

  it('retires the third-newest promoted build and keeps the two newest', () => {
    const builds = [
      promoted('1.0.0/1', '2027-01-01T00:00:00Z'),
      promoted('1.0.0/2', '2027-02-01T00:00:00Z'),
      promoted('1.0.0/3', '2027-03-01T00:00:00Z'),
    ];
    const plan = planRetention({
      now: '2027-03-02T00:00:00Z',
      policy,
      builds,
      pointers: { prod: '1.0.0/3' },
      heldByDescendants: new Set(),
    });
    expect(plan.retire).toEqual(['1.0.0/1']);
    expect(plan.delete).toEqual([]);
    expect(plan.held).toEqual({ '1.0.0/1': 'grace', '1.0.0/2': 'retention', '1.0.0/3': 'pointer' });
  });

  it('deletes a rejected build after the grace period and not before', () => {
    const builds = [{ version: '1.0.0/4', promotions: [], settledAt: '2027-03-01T00:00:00Z' }];
    const at = (now: string) =>
      planRetention({ now, policy, builds, pointers: {}, heldByDescendants: new Set() }).delete.map((d) => d.version);
    expect(at('2027-03-03T23:00:00Z')).toEqual([]);
    expect(at('2027-03-04T00:00:00Z')).toEqual(['1.0.0/4']);
  });

  it('keeps a retired build whose child is alive', () => {
    const builds = [{ ...promoted('1.0.0/1', '2027-01-01T00:00:00Z'), retiredAt: '2027-01-05T00:00:00Z' }];
    const plan = planRetention({
      now: '2027-06-01T00:00:00Z',
      policy: { ...policy, keep: 1 },
      builds: [...builds, promoted('1.0.0/2', '2027-02-01T00:00:00Z')],
      pointers: { prod: '1.0.0/2' },
      heldByDescendants: new Set(['1.0.0/1']),
    });
    expect(plan.delete).toEqual([]);
    expect(plan.held['1.0.0/1']).toBe('descendant');
  });
});

describe('rollbackTarget', () => {
  const builds: BuildHistory[] = [
    { version: '1.0.0/1', promotions: [{ channel: 'prod', at: '2027-01-01T00:00:00Z' }] },
    {
      version: '1.0.0/2',
      promotions: [{ channel: 'prod', at: '2027-02-01T00:00:00Z' }],
      revokedAt: '2027-02-02T00:00:00Z',
    },
    { version: '1.0.0/3', promotions: [{ channel: 'dev', at: '2027-03-01T00:00:00Z' }] },
    { version: '1.0.0/4', promotions: [{ channel: 'prod', at: '2027-04-01T00:00:00Z' }] },
  ];

  it('picks the newest earlier version promoted to that channel, skipping revoked ones', () => {
    expect(rollbackTarget(builds, 'prod', '1.0.0/4')).toBe('1.0.0/1');
  });

  it('finds nothing (withdraw) when no earlier launchable version was promoted to the channel', () => {
    expect(rollbackTarget(builds, 'dev', '1.0.0/3')).toBeUndefined();
  });

  it('accepts an operator-chosen version only if it qualifies', () => {
    expect(rollbackTarget(builds, 'prod', '1.0.0/4', '1.0.0/1')).toBe('1.0.0/1');
    expect(rollbackTarget(builds, 'prod', '1.0.0/4', '1.0.0/2')).toBeUndefined();
  });
});
