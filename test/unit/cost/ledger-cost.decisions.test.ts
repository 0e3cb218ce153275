import { describe, expect, it } from 'vitest';
import { imageCostIn, keptBuilds, monthsBetween, storagePerMonthAt } from '../../../core/cost/ledger-cost.js';

const T = (iso: string) => Date.parse(iso);
/** March 2027: 31 days. */
const MARCH = { start: T('2027-03-01T00:00:00Z'), end: T('2027-04-01T00:00:00Z') };
const DAY = 86_400_000;

const build = (extra: Record<string, unknown> = {}) => ({
  sk: 'BUILD#1.0.0/1',
  status: 'AVAILABLE',
  requestedAt: '2027-03-05T00:00:00Z',
  updatedAt: '2027-03-06T00:00:00Z',
  cost: { total: 0.5, storagePerMonth: 3.1, finishedAt: '2027-03-06T00:00:00Z' },
  ...extra,
});
const promotion = (channel: string, at: string, outcome = 'promoted') => ({
  sk: `PROMOTION#1.0.0/1#${channel}`,
  channel,
  outcome,
  at,
});
const input = (items: Record<string, unknown>[], channels: string[] = []) => ({
  items,
  regions: 2,
  channels,
  parameterMonth: 0.31,
});

describe('keptBuilds: which items are builds with a cost', () => {
  it('reads a build’s estimate, when it was requested, and when its outputs existed', () => {
    expect(keptBuilds([build({ deletedAt: '2027-03-20T00:00:00Z' })])).toStrictEqual([
      {
        requestedAt: T('2027-03-05T00:00:00Z'),
        total: 0.5,
        storagePerMonth: 3.1,
        storedFrom: T('2027-03-06T00:00:00Z'),
        storedUntil: T('2027-03-20T00:00:00Z'),
      },
    ]);
  });

  it('leaves out items that are not builds, or whose cost lacks a numeric total or storage price', () => {
    expect(
      keptBuilds([
        build({ sk: 'PROMOTION#1.0.0/1#dev' }),
        build({ sk: 'REVOKE#1.0.0/1' }),
        build({ sk: 7 }),
        build({ cost: undefined }),
        build({ cost: { total: '0.5', storagePerMonth: 3 } }),
        build({ cost: { total: 0.5 } }),
        build({ cost: { storagePerMonth: 3 } }),
      ]),
    ).toEqual([]);
  });

  it('stores nothing for a build whose outputs cost nothing, or that never finished', () => {
    const [free, unfinished] = keptBuilds([
      build({ cost: { total: 0.2, storagePerMonth: 0, finishedAt: '2027-03-06T00:00:00Z' } }),
      build({ updatedAt: undefined, cost: { total: 0.2, storagePerMonth: 3 } }),
    ]);
    expect(free).toStrictEqual({
      requestedAt: T('2027-03-05T00:00:00Z'),
      total: 0.2,
      storagePerMonth: 0,
      storedFrom: undefined,
      storedUntil: undefined,
    });
    expect(unfinished?.storedFrom).toBeUndefined();
    expect(unfinished?.requestedAt).toBe(T('2027-03-05T00:00:00Z'));
  });

  it('takes the finish from the last update when the cost has none, and the request time from the finish', () => {
    const [b] = keptBuilds([
      build({ requestedAt: undefined, updatedAt: '2027-03-07T00:00:00Z', cost: { total: 1, storagePerMonth: 2 } }),
    ]);
    expect(b?.storedFrom).toBe(T('2027-03-07T00:00:00Z'));
    expect(b?.requestedAt).toBe(T('2027-03-07T00:00:00Z'));
  });

  it('ends storage at deletedAt, else at the last update of a DELETED build, else never', () => {
    const until = (extra: Record<string, unknown>) => keptBuilds([build(extra)])[0]?.storedUntil;
    expect(until({ deletedAt: '2027-03-20T00:00:00Z', status: 'DELETED' })).toBe(T('2027-03-20T00:00:00Z'));
    expect(until({ status: 'DELETED', updatedAt: '2027-03-21T00:00:00Z' })).toBe(T('2027-03-21T00:00:00Z'));
    expect(until({ status: 'RETIRED', updatedAt: '2027-03-21T00:00:00Z' })).toBeUndefined();
    expect(until({ status: 'DELETED', updatedAt: 'not a time' })).toBeUndefined();
  });
});

describe('imageCostIn: a build’s estimate', () => {
  const cost = (requestedAt: string, asOf?: number) =>
    imageCostIn(input([build({ requestedAt, cost: { total: 0.5, storagePerMonth: 0 } })]), MARCH, asOf).builds;

  it('counts in the month it was requested: from its first instant, up to but not at its end', () => {
    expect(cost('2027-03-01T00:00:00Z')).toBe(0.5);
    expect(cost('2027-02-28T23:59:59.999Z')).toBe(0);
    expect(cost('2027-03-31T23:59:59.999Z')).toBe(0.5);
    expect(cost('2027-04-01T00:00:00Z')).toBe(0);
  });

  it('counts only when requested before asOf', () => {
    expect(cost('2027-03-10T00:00:00Z', T('2027-03-10T00:00:00Z'))).toBe(0);
    expect(cost('2027-03-10T00:00:00Z', T('2027-03-10T00:00:00.001Z'))).toBe(0.5);
  });

  it('adds the estimates of several builds', () => {
    const items = [build(), build({ sk: 'BUILD#1.0.0/2', cost: { total: 0.25, storagePerMonth: 0 } })];
    expect(imageCostIn(input(items), MARCH).builds).toBe(0.75);
  });
});

describe('imageCostIn: storage, as the share of the month the outputs existed', () => {
  it('counts from the finish to the deletion, within the month', () => {
    const items = [
      build({
        cost: { total: 0, storagePerMonth: 3.1, finishedAt: '2027-03-11T00:00:00Z' },
        deletedAt: '2027-03-21T00:00:00Z',
      }),
    ];
    expect(imageCostIn(input(items), MARCH).storage).toBeCloseTo(1, 9);
  });

  it('counts a build kept past the month for the rest of it, and one finished before it from its start', () => {
    const items = [
      build({ cost: { total: 0, storagePerMonth: 3.1, finishedAt: '2027-02-10T00:00:00Z' } }),
      build({ cost: { total: 0, storagePerMonth: 3.1, finishedAt: '2027-03-22T00:00:00Z' } }),
    ];
    expect(imageCostIn(input(items), MARCH).storage).toBeCloseTo(3.1 + 1, 9);
  });

  it('counts nothing for outputs deleted before the month or made after it', () => {
    const items = [
      build({
        cost: { total: 0, storagePerMonth: 3.1, finishedAt: '2027-02-01T00:00:00Z' },
        deletedAt: '2027-02-20T00:00:00Z',
      }),
      build({ cost: { total: 0, storagePerMonth: 3.1, finishedAt: '2027-04-02T00:00:00Z' } }),
    ];
    expect(imageCostIn(input(items), MARCH).storage).toBe(0);
  });

  it('stops counting at asOf', () => {
    const items = [build({ cost: { total: 0, storagePerMonth: 3.1, finishedAt: '2027-03-01T00:00:00Z' } })];
    expect(imageCostIn(input(items), MARCH, MARCH.start + 10 * DAY).storage).toBeCloseTo(1, 9);
    expect(imageCostIn(input(items), MARCH, MARCH.start - DAY).storage).toBe(0);
  });
});

describe('imageCostIn: pointers, from each channel’s first promotion', () => {
  it('counts every listed channel from its earliest promotion, per Region', () => {
    const items = [
      promotion('dev', '2027-03-22T00:00:00Z'),
      promotion('dev', '2027-03-11T00:00:00Z'),
      promotion('dev', '2027-03-30T00:00:00Z'),
      promotion('prod', '2027-03-21T00:00:00Z'),
    ];
    // dev: 21 of 31 days, prod: 11; × 2 Regions × 0.31.
    expect(imageCostIn(input(items, ['dev', 'prod']), MARCH).pointers).toBeCloseTo((21 + 11) * 0.02, 9);
  });

  it('counts nothing for a channel never promoted to, or not listed', () => {
    const items = [
      promotion('dev', '2027-03-11T00:00:00Z', 'rejected'),
      promotion('staging', '2027-03-11T00:00:00Z'),
      { ...promotion('dev', '2027-03-11T00:00:00Z'), sk: 'OUTCOME#1.0.0/1#dev' },
    ];
    expect(imageCostIn(input(items, ['dev']), MARCH)).toStrictEqual({ builds: 0, storage: 0, pointers: 0 });
    expect(imageCostIn(input(items, []), MARCH).pointers).toBe(0);
  });

  it('counts the whole month after a promotion before it, and nothing after asOf', () => {
    const items = [promotion('dev', '2027-01-01T00:00:00Z')];
    expect(imageCostIn(input(items, ['dev']), MARCH).pointers).toBeCloseTo(2 * 0.31, 9);
    expect(imageCostIn(input(items, ['dev']), MARCH, MARCH.start + 10 * DAY).pointers).toBeCloseTo(0.2, 9);
  });
});

describe('storagePerMonthAt', () => {
  const items = [
    build({
      cost: { total: 0, storagePerMonth: 3, finishedAt: '2027-03-10T00:00:00Z' },
      deletedAt: '2027-03-20T00:00:00Z',
    }),
    build({ cost: { total: 0, storagePerMonth: 0, finishedAt: '2027-03-01T00:00:00Z' } }),
    build({ cost: { total: 0, storagePerMonth: 5, finishedAt: '2027-03-15T00:00:00Z' } }),
  ];

  it('counts a build from the instant it finished until, not at, the instant it was deleted', () => {
    expect(storagePerMonthAt(items, T('2027-03-09T23:59:59.999Z'))).toBe(0);
    expect(storagePerMonthAt(items, T('2027-03-10T00:00:00Z'))).toBe(3);
    expect(storagePerMonthAt(items, T('2027-03-15T00:00:00Z'))).toBe(8);
    expect(storagePerMonthAt(items, T('2027-03-19T23:59:59.999Z'))).toBe(8);
    expect(storagePerMonthAt(items, T('2027-03-20T00:00:00Z'))).toBe(5);
  });
});

describe('monthsBetween', () => {
  it('starts at the month of `from` and leaves out the month `to` opens', () => {
    expect(monthsBetween(T('2027-03-31T23:00:00Z'), T('2027-04-01T00:00:00Z'))).toEqual(['2027-03']);
    expect(monthsBetween(T('2027-03-31T23:00:00Z'), T('2027-04-01T00:00:00.001Z'))).toEqual(['2027-03', '2027-04']);
    expect(monthsBetween(T('2027-03-01T00:00:00Z'), T('2027-03-01T00:00:00Z'))).toEqual([]);
  });
});
