import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  complianceCycles,
  instancesOn,
  latestSample,
  monthlyCycleOf,
  monthlyCycleStart,
  type ObservedUse,
  sharesByOu,
  thresholdsCrossed,
} from '../../../core/fleet/compliance.js';
import {
  type ComplianceRecord,
  complianceUpdates,
  hoursSince,
  recordKey,
} from '../../../core/fleet/compliance-record.js';

describe('monthly cycles', () => {
  it("start on the month's Patch Tuesday at midnight UTC, and an instant before it belongs to the month before", () => {
    expect(monthlyCycleStart('2027-01')).toBe('2027-01-12T00:00:00.000Z');
    expect(monthlyCycleStart('2027-03')).toBe('2027-03-09T00:00:00.000Z');
    expect(monthlyCycleOf('2027-01-14T03:00:00Z')).toBe('2027-01');
    expect(monthlyCycleOf('2027-01-11T23:59:59Z')).toBe('2026-12');
    expect(monthlyCycleOf('2027-03-09T00:00:00.000Z')).toBe('2027-03');
  });
});

describe('complianceCycles', () => {
  const builds = [
    { version: '1.0.0/1', requestedAt: '2027-01-14T03:00:00Z' },
    { version: '1.0.0/2', requestedAt: '2027-01-20T09:00:00Z' },
    { version: '1.0.0/3', requestedAt: '2027-02-11T03:00:00Z' },
  ];
  const promotions = [
    { version: '1.0.0/1', channel: 'dev', at: '2027-01-14T05:00:00Z' },
    { version: '1.0.0/1', channel: 'prod', at: '2027-01-18T05:00:00Z' },
    { version: '1.0.0/2', channel: 'prod', at: '2027-01-24T05:00:00Z' },
    { version: '1.0.0/3', channel: 'prod', at: '2027-02-14T05:00:00Z' },
  ];

  it("takes each month's first version promoted to each channel, and when the channel's pointer moved to it", () => {
    const cycles = complianceCycles({ builds, promotions, outOfCycle: [] });
    // A channel's very first version is a rollout, not a patch: 1.0.0/1 starts no cycle in dev or prod, and
    // January's first patch of prod is 1.0.0/2.
    expect(cycles.map((c) => [c.cycle, c.channel, c.version, c.pointerAt])).toEqual([
      ['2027-01', 'prod', '1.0.0/2', '2027-01-24T05:00:00Z'],
      ['2027-02', 'prod', '1.0.0/3', '2027-02-14T05:00:00Z'],
    ]);
    expect(cycles[1]?.startedAt).toBe('2027-02-09T00:00:00.000Z');
  });

  it('measures a rebuild a finding caused from the finding, to the first newer version in each channel it was live in', () => {
    const cycles = complianceCycles({
      builds,
      promotions,
      outOfCycle: [{ version: '1.0.0/1', findingAt: '2027-01-19T00:00:00Z', channels: ['prod', 'dev'] }],
    });
    const finding = cycles.filter((c) => c.kind === 'out-of-cycle');
    // dev got no newer version: nothing to measure there yet.
    expect(finding).toEqual([
      {
        cycle: 'finding-1.0.0/1',
        kind: 'out-of-cycle',
        startedAt: '2027-01-19T00:00:00Z',
        channel: 'prod',
        version: '1.0.0/2',
        pointerAt: '2027-01-24T05:00:00Z',
      },
    ]);
  });
});

describe('latestSample', () => {
  it("keeps the newest observations and leaves out a revoked version's, which EC2 stopped reporting on", () => {
    const sample = latestSample([
      { version: '1.0.0/2', region: 'us-east-1', lastRequestedAt: '2027-02-01T00:00:00Z', accounts: {} },
      { version: '1.0.0/1', region: 'us-east-1', lastRequestedAt: '2027-01-25T00:00:00Z', accounts: {} },
      { version: '1.0.0/3', region: 'us-east-1' },
    ]);
    expect(sample?.at).toBe('2027-02-01T00:00:00Z');
    expect(sample?.uses.map((u) => u.version)).toEqual(['1.0.0/2']);
    expect(latestSample([{ version: '1.0.0/3', region: 'us-east-1' }])).toBeUndefined();
  });
});

describe('sharesByOu', () => {
  const ouOf = (a: string) => (a.startsWith('1') ? 'ou-a' : 'ou-b');
  const uses: ObservedUse[] = [
    { version: '1.0.0/3', region: 'r1', accounts: { '111': { instances: 3 }, '222': { instances: 1 } } },
    { version: '1.0.0/2', region: 'r1', accounts: { '111': { instances: 1 }, '333': { instances: 5 } } },
    { version: '1.0.0/4', region: 'r2', accounts: { '222': { instances: 2 }, '999': { instances: 7 } } },
  ];

  it("counts each OU's instances of the channel's accounts, on the cycle's version or a newer one not revoked", () => {
    const shares = sharesByOu(uses, new Set(['111', '222', '333']), ouOf, '1.0.0/3', new Set(['1.0.0/4']));
    expect(shares).toEqual([
      { ou: 'ou-a', patched: 3, instances: 4, lagging: ['111'] },
      { ou: 'ou-b', patched: 1, instances: 8, lagging: ['222', '333'] },
    ]);
    expect(instancesOn(uses)).toBe(19);
  });

  it('crosses 50, 90 and 100 % exactly at those shares', () => {
    expect(thresholdsCrossed({ patched: 1, instances: 2 })).toEqual([50]);
    expect(thresholdsCrossed({ patched: 8, instances: 9 })).toEqual([50]);
    expect(thresholdsCrossed({ patched: 9, instances: 10 })).toEqual([50, 90]);
    expect(thresholdsCrossed({ patched: 4, instances: 4 })).toEqual([50, 90, 100]);
    expect(thresholdsCrossed({ patched: 0, instances: 0 })).toEqual([]);
  });
});

describe('complianceUpdates', () => {
  const cycle = {
    cycle: '2027-01',
    kind: 'monthly' as const,
    startedAt: '2027-01-12T00:00:00.000Z',
    channel: 'prod',
    version: '1.0.0/1',
    pointerAt: '2027-01-18T05:00:00Z',
  };
  const share = (ou: string, patched: number, instances: number) => ({ ou, patched, instances, lagging: [] });

  it('records an OU when first seen and each threshold the first time it is crossed, then nothing until the next', () => {
    const first = complianceUpdates({
      image: 'base',
      cycle,
      shares: [share('ou-a', 1, 4), share('ou-b', 2, 4)],
      sampledAt: '2027-01-19T00:00:00Z',
      recorded: new Map(),
    });
    expect(first.map((r) => [r.ou, r.reached50At, r.reached90At])).toEqual([
      ['ou-a', undefined, undefined],
      ['ou-b', '2027-01-19T00:00:00Z', undefined],
    ]);
    const recorded = new Map(first.map((r) => [recordKey(r), r]));
    const same = complianceUpdates({
      image: 'base',
      cycle,
      shares: [share('ou-a', 1, 4), share('ou-b', 3, 4)],
      sampledAt: '2027-01-20T00:00:00Z',
      recorded,
    });
    expect(same).toEqual([]);
    const later = complianceUpdates({
      image: 'base',
      cycle,
      shares: [share('ou-a', 4, 4)],
      sampledAt: '2027-01-21T00:00:00Z',
      recorded,
    });
    expect(later).toHaveLength(1);
    expect(later[0]).toMatchObject({ reached50At: '2027-01-21T00:00:00Z', reached100At: '2027-01-21T00:00:00Z' });
    expect(hoursSince(cycle.startedAt, later[0]?.reached100At ?? '')).toBe(216);
  });

  it('writes nothing for a sample taken before the pointer moved', () => {
    const writes = complianceUpdates({
      image: 'base',
      cycle,
      shares: [share('ou-a', 4, 4)],
      sampledAt: '2027-01-17T00:00:00Z',
      recorded: new Map(),
    });
    expect(writes).toEqual([]);
  });

  it('never moves a threshold once recorded, and records each the first sample that crossed it, whatever the order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(10), fc.integer({ min: 1, max: 10 })), { minLength: 1, maxLength: 20 }),
        (samples) => {
          const recorded = new Map<string, Partial<ComplianceRecord>>();
          const firstSeen = new Map<number, string>();
          samples.forEach(([p, n], day) => {
            const patched = Math.min(p, n);
            const at = new Date(Date.parse('2027-01-19T00:00:00Z') + day * 86_400_000).toISOString();
            for (const t of thresholdsCrossed({ patched, instances: n })) if (!firstSeen.has(t)) firstSeen.set(t, at);
            for (const w of complianceUpdates({
              image: 'base',
              cycle,
              shares: [share('ou-a', patched, n)],
              sampledAt: at,
              recorded,
            })) {
              const before = recorded.get(recordKey(w));
              for (const f of ['reached50At', 'reached90At', 'reached100At'] as const) {
                if (before?.[f]) expect(w[f]).toBe(before[f]);
              }
              recorded.set(recordKey(w), w);
            }
          });
          const r = recorded.get(recordKey({ cycle: '2027-01', image: 'base', channel: 'prod', ou: 'ou-a' }));
          expect(r?.reached50At).toBe(firstSeen.get(50));
          expect(r?.reached90At).toBe(firstSeen.get(90));
          expect(r?.reached100At).toBe(firstSeen.get(100));
        },
      ),
    );
  });
});
