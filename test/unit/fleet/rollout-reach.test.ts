import { describe, expect, it } from 'vitest';
import { forwardMoves, type InstanceMove, ouReach, reachFigure, reachText } from '../../../core/fleet/rollout-reach.js';
import { ledgerReach, waveStartsOf } from '../../../core/fleet/rollout-reach-ledger.js';
import { chunksOf, storedWaves } from '../../../core/rollout/group-chunks.js';
import type { RolloutRecord, RolloutWave } from '../../../core/rollout/record.js';
import { rolloutGroup, rolloutRecord } from '../../fixtures/rollouts.js';

const T0 = Date.parse('2027-02-01T00:00:00.000Z');
const at = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();
const OU_A = 'ou-x1y2-prd00001';
const OU_B = 'ou-x1y2-prd00002';

const move = (
  hours: number,
  account: string,
  kind: InstanceMove['kind'],
  from: string | undefined,
  to: string,
  n = 4,
) =>
  ({ at: at(hours), account, ou: account.startsWith('1') ? OU_A : OU_B, kind, from, to, instances: n }) as InstanceMove;

/** Two rollout accounts and two hand accounts in OU A, one hand account in OU B, all launched on 1.0.0/1. */
const launched: InstanceMove[] = [
  move(0, '100000000001', 'rollout', undefined, '1.0.0/1'),
  move(0, '100000000002', 'rollout', undefined, '1.0.0/1'),
  move(0, '100000000003', 'hand', undefined, '1.0.0/1'),
  move(0, '100000000004', 'hand', undefined, '1.0.0/1'),
  move(0, '200000000001', 'hand', undefined, '1.0.0/1'),
];
const promotions = [
  { version: '1.0.0/1', at: at(-1) },
  { version: '1.0.0/2', at: at(100) },
];

describe('ouReach: pointer move to 90 % of an OU’s instances, rollout groups beside hand-refreshed ones', () => {
  it('times each kind of group apart, and the rollout groups from their wave’s start', () => {
    const moves = [
      ...launched,
      // The rollout's wave starts 2 h after the pointer; its refreshes move half, then the rest.
      move(102.5, '100000000001', 'rollout', '1.0.0/1', '1.0.0/2'),
      move(103, '100000000002', 'rollout', '1.0.0/1', '1.0.0/2', 2),
      move(104, '100000000002', 'rollout', '1.0.0/1', '1.0.0/2', 2),
      // Hand teams: one after 2 days, the other after 10.
      move(148, '100000000003', 'hand', '1.0.0/1', '1.0.0/2'),
      move(340, '100000000004', 'hand', '1.0.0/1', '1.0.0/2'),
    ];
    const [a, b] = ouReach({
      image: 'base',
      channel: 'prod',
      promotions,
      moves,
      waveStarts: [{ version: '1.0.0/2', ou: OU_A, at: at(102) }],
    });
    expect(a?.ou).toBe(OU_A);
    expect(a?.versions).toEqual([
      {
        version: '1.0.0/2',
        pointerAt: at(100),
        rolloutHours: 4,
        handHours: 240,
        waveStartedAt: at(102),
        afterWaveHours: 2,
      },
    ]);
    expect(a?.rollout).toEqual({ median: 4, worst: 4, notYet: 0 });
    expect(a?.hand).toEqual({ median: 240, worst: 240, notYet: 0 });
    expect(a?.afterWave).toEqual({ median: 2, worst: 2, notYet: 0 });
    // OU B has no rollout group and its hand team never moved: no rollout figure, hand not yet.
    expect(b?.rollout).toBeUndefined();
    expect(b?.afterWave).toBeUndefined();
    expect(b?.hand).toEqual({ median: null, worst: null, notYet: 1 });
  });

  it('needs 90 %, not a majority: 3 of 4 instances moved is not there', () => {
    const moves = [
      move(0, '100000000001', 'hand', undefined, '1.0.0/1', 9),
      move(0, '100000000002', 'hand', undefined, '1.0.0/1', 1),
      move(110, '100000000001', 'hand', '1.0.0/1', '1.0.0/2', 8),
      move(120, '100000000001', 'hand', '1.0.0/1', '1.0.0/2', 1),
    ];
    const [a] = ouReach({ image: 'base', channel: 'prod', promotions, moves, waveStarts: [] });
    // 8 of 10 at 110 h is below 90 %; 9 of 10 at 120 h reaches it.
    expect(a?.versions[0]?.handHours).toBe(20);
  });

  it('counts a newer version as reaching an older pointer move', () => {
    const moves = [...launched.slice(0, 1), move(130, '100000000001', 'rollout', '1.0.0/1', '1.0.0/3')];
    const [a] = ouReach({
      image: 'base',
      channel: 'prod',
      promotions: [...promotions, { version: '1.0.0/3', at: at(125) }],
      moves,
      waveStarts: [],
    });
    expect(a?.versions.map((v) => [v.version, v.rolloutHours])).toEqual([
      ['1.0.0/2', 30],
      ['1.0.0/3', 5],
    ]);
  });
});

describe('forwardMoves', () => {
  it('leaves out the channel’s first version and every move back (a revocation’s or a rollback’s)', () => {
    expect(
      forwardMoves([
        { version: '1.0.0/5', at: at(50) },
        { version: '1.0.0/4', at: at(60) },
        { version: '1.0.0/1', at: at(0) },
        { version: '1.0.0/4', at: at(40) },
        { version: '1.0.0/6', at: at(70) },
      ]),
    ).toEqual([
      { version: '1.0.0/4', at: at(40) },
      { version: '1.0.0/5', at: at(50) },
      { version: '1.0.0/6', at: at(70) },
    ]);
  });
});

describe('a wave rolled back did not reach its OU', () => {
  // The wave starts 1 h after the pointer; its refreshes move every rollout instance, then the wave is rolled back
  // 5 minutes later and they go back to 1.0.0/1.
  const moves = [
    ...launched,
    move(101, '100000000001', 'rollout', '1.0.0/1', '1.0.0/2'),
    move(101, '100000000002', 'rollout', '1.0.0/1', '1.0.0/2'),
    move(101.1, '100000000001', 'rollout', '1.0.0/2', '1.0.0/1'),
    move(101.1, '100000000002', 'rollout', '1.0.0/2', '1.0.0/1'),
  ];
  // The ledger's item of a rollout whose one wave started at 101 h (its groups inline, as a record read back holds them).
  const records = (wave: Partial<RolloutWave>, rollout: Partial<RolloutRecord> = {}) => [
    {
      sk: 'ROLLOUT#prod#1.0.0/2',
      ...rolloutRecord({
        version: '1.0.0/2',
        currentWave: 0,
        waves: [
          {
            name: 'canary',
            state: 'healthy',
            startedAt: at(101),
            groups: [rolloutGroup('100000000001', 'Successful')],
            ...wave,
          },
        ],
        ...rollout,
      }),
    },
  ];
  const ouOf = () => OU_A;

  it('has no rollout hours for that version and says it was rolled back (the report)', () => {
    const waveStarts = waveStartsOf(records({ state: 'rolled-back' }), ouOf);
    expect(waveStarts).toEqual([{ version: '1.0.0/2', ou: OU_A, at: at(101), rolledBack: true }]);
    const [a] = ouReach({ image: 'base', channel: 'prod', promotions, moves, waveStarts });
    expect(a?.versions[0]).toEqual({ version: '1.0.0/2', pointerAt: at(100), handHours: null, rolledBack: true });
    expect(a?.rollout).toBeUndefined();
    expect(a?.afterWave).toBeUndefined();
  });

  it('counts the same wave as reached when it stayed healthy', () => {
    const waveStarts = waveStartsOf(records({ state: 'healthy' }), ouOf);
    const [a] = ouReach({ image: 'base', channel: 'prod', promotions, moves, waveStarts });
    expect(a?.versions[0]).toMatchObject({ rolloutHours: 1, afterWaveHours: 0 });
  });

  it('leaves a superseded rollout and a version taken back out of the ledger figure (goldsmith fleet)', () => {
    const compliance = [{ ou: OU_A, version: '1.0.0/2', pointerAt: at(100), reached90At: at(101) }];
    for (const rollout of [
      { state: 'superseded' },
      { state: 'completed', takenBack: { from: 'completed', at: at(120) } },
    ] satisfies Partial<RolloutRecord>[]) {
      const starts = waveStartsOf(records({ state: 'healthy' }, rollout), ouOf);
      expect(ledgerReach('base', 'prod', compliance, starts)).toEqual([
        { image: 'base', channel: 'prod', ou: OU_A, rolledBack: 1 },
      ]);
    }
  });
});

describe('reachFigure', () => {
  it('puts a version not yet at 90 % last for the median and leaves it out of the worst', () => {
    expect(reachFigure([10, null, 30])).toEqual({ median: 30, worst: 30, notYet: 1 });
    expect(reachText(reachFigure([10, 50, 300, null]))).toBe('median 50 h, worst 12.5 d, 1 not yet');
  });
});

describe('ledgerReach: the figure from the compliance and rollout records (goldsmith fleet)', () => {
  const record = (ou: string, version: string, pointer: number, reached?: number) => ({
    ou,
    version,
    pointerAt: at(pointer),
    ...(reached !== undefined && { reached90At: at(reached) }),
  });

  it("times each OU from the pointer to its wave's start and to the first sample at 90 %, once per version", () => {
    // The ledger's items: the record, its waves' groups in the chunk items beside it.
    const rollout = rolloutRecord({
      version: '1.0.0/2',
      waves: [
        {
          name: 'canary',
          state: 'healthy',
          startedAt: at(100.5),
          groups: [rolloutGroup('100000000001', 'Successful'), rolloutGroup('100000000002', 'Successful')],
        },
        { name: 'wave-1', state: 'refreshing', startedAt: at(102), groups: [rolloutGroup('200000000001', 'Pending')] },
        { name: 'rest', state: 'pending', groups: [] },
      ],
    });
    const sk = 'ROLLOUT#prod#1.0.0/2';
    const items = [
      { sk, ...rollout, waves: storedWaves(rollout.waves) },
      ...chunksOf(sk, rollout.waves).map((c) => ({ ...c })),
    ];
    const starts = waveStartsOf(items, (account) => (account.startsWith('1') ? OU_A : OU_B));
    expect(starts).toEqual([
      { version: '1.0.0/2', ou: OU_A, at: at(100.5) },
      { version: '1.0.0/2', ou: OU_B, at: at(102) },
    ]);
    const rows = ledgerReach(
      'base',
      'prod',
      [
        record(OU_A, '1.0.0/2', 100, 124),
        // The same version measured again for an out-of-cycle rebuild: counted once.
        record(OU_A, '1.0.0/2', 100, 124),
        record(OU_B, '1.0.0/2', 100),
      ],
      starts,
    );
    expect(rows).toEqual([
      {
        image: 'base',
        channel: 'prod',
        ou: OU_A,
        observed: { median: 24, worst: 24, notYet: 0 },
        waveStart: { median: 0.5, worst: 0.5, notYet: 0 },
        afterWave: { median: 23.5, worst: 23.5, notYet: 0 },
      },
      {
        image: 'base',
        channel: 'prod',
        ou: OU_B,
        observed: { median: null, worst: null, notYet: 1 },
        waveStart: { median: 2, worst: 2, notYet: 0 },
        afterWave: { median: null, worst: null, notYet: 1 },
      },
    ]);
  });
});
