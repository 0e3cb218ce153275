import { beforeAll, describe, expect, it } from 'vitest';
import { monthRows } from '../../local/simulator/html/months.js';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import {
  al2023Image,
  catalogInput,
  catalogOf,
  childImage,
  devThenProdSoakingAnHour,
  PATCH_DAY_SCHEDULE,
  REPO_ROOT,
  scenarioBetween,
} from './helpers.js';

/**
 * A steady catalog with retention, six months long: base (two Regions) rebuilt every patch day and app on it, each
 * keeping one version. Storage is counted for the time each output existed, so once retention deletes as much as
 * every patch day adds (from March, the third patch day on), the monthly cost stops growing: March to June are flat
 * (within 7 %). With nothing deleted (retention keeping 100), those four months grow instead (by a third), and the
 * first test fails.
 */
const catalog = catalogOf(
  catalogInput(
    {
      base: al2023Image({
        regions: ['us-east-1', 'eu-west-1'],
        schedule: PATCH_DAY_SCHEDULE,
        triggers: { baseImage: false, packages: [] },
        retention: { keep: 1 },
      }),
      app: childImage('base', 'prod', { regions: ['us-east-1'], retention: { keep: 1 } }),
    },
    devThenProdSoakingAnHour(),
  ),
);

let result: SimulationResult;

beforeAll(async () => {
  result = await simulate(catalog, scenarioBetween('2027-01-01T00:00:00Z', '2027-07-01T00:00:00Z'), REPO_ROOT);
}, 300_000);

describe('six months of a steady catalog with retention', () => {
  it('deletes what retention drops, and its monthly cost is flat within ±10 % once retention is full', () => {
    const cost = result.report.cost!;
    expect(result.report.consistency.ok).toBe(true);
    expect(result.report.builds.filter((b) => b.status === 'AVAILABLE').length).toBeGreaterThanOrEqual(12);
    const steady = ['2027-03', '2027-04', '2027-05', '2027-06'].map((m) => cost.perMonth[m] ?? Number.NaN);
    const mean = steady.reduce((a, b) => a + b, 0) / steady.length;
    for (const month of steady) expect(Math.abs(month - mean) / mean).toBeLessThanOrEqual(0.1);
    // Not flat because nothing is stored: the months hold storage of the kept versions.
    expect(cost.storage).toBeGreaterThan(0);
  });

  it('shows the same cost for a month in the monthly summary, the report and the HTML', () => {
    const cost = result.report.cost!;
    const summaries = result.report.summaries ?? [];
    expect(summaries.map((s) => s.month)).toEqual(['2027-01', '2027-02', '2027-03', '2027-04', '2027-05']);
    for (const s of summaries) expect([s.month, s.cost?.total]).toEqual([s.month, cost.perMonth[s.month]]);
    const html = monthRows(result.report);
    for (const row of html) expect([row.month, row.cost]).toEqual([row.month, cost.perMonth[row.month]]);
  });

  it('prints orchestration per promotion apart from the whole run by service', () => {
    const cost = result.report.cost!;
    const promotions = result.report.promotions.filter((p) => p.outcome === 'promoted').length;
    expect(cost.orchestrationPerPromotion).toBeCloseTo(cost.orchestration / promotions, 3);
  });

  it("reads the ledger's open work once a reconciler run: one Scan of the open-work index, not a Query per kind", () => {
    const runs = Object.entries(result.run.functions ?? {}).find(([id]) => /^Reconcile[0-9A-F]{8}$/.test(id))?.[1];
    const calls = result.report.callPlan?.dynamoByFunction?.['Promotion-Reconcile'] ?? {};
    expect(runs?.invocations).toBeGreaterThan(700);
    // One Query a run: the announcements' redelivery (its own partition), none of the index.
    expect(calls['dynamodb:Query']).toBe(runs?.invocations);
    // One Scan a run of the index, and the first run's walk of the table for the ledger's migrations.
    expect(calls['dynamodb:Scan']).toBe((runs?.invocations ?? 0) + 1);
  });
});
