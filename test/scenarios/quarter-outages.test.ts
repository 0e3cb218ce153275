import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../cli/load-catalog.js';
import type { Catalog } from '../../core/config/schema.js';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import { buildLines, defaultScenario, RECONCILER_PERIOD_MS, REPO_ROOT } from './helpers.js';

// `npm start`'s quarter on the example catalog (duplicate deliveries included), once clean and once with six service
// outages, each over work in flight, and 1 % of all other calls throttled and 1 % failing with a server error.
const OUTAGES = [
  // Image Builder over January's patch build (03:00).
  { service: 'imagebuilder', from: '2027-01-14T02:00:00Z', until: '2027-01-14T08:00:00Z' },
  // SNS over the base image release's announcements (09:00).
  { service: 'sns', from: '2027-01-20T08:30:00Z', until: '2027-01-20T11:00:00Z' },
  // Step Functions over the openssl release's promotions (10:00).
  { service: 'sfn', from: '2027-02-03T09:00:00Z', until: '2027-02-03T12:00:00Z' },
  // Lambda over February's patch build, then Parameter Store over its pointers.
  { service: 'lambda', from: '2027-02-11T03:00:00Z', until: '2027-02-11T04:00:00Z' },
  { service: 'ssm', from: '2027-02-11T05:00:00Z', until: '2027-02-11T07:00:00Z' },
  // The ledger over March's patch build firing (Thursday 11 March, 03:00).
  { service: 'dynamodb', from: '2027-03-11T02:45:00Z', until: '2027-03-11T04:15:00Z' },
];

/** `image version channel outcome` of every promotion, sorted: the outcomes, whatever order they were decided in. */
const outcomes = (r: SimulationResult) =>
  r.report.promotions.map((p) => `${p.image} ${p.version} ${p.channel} ${p.outcome}`).sort();

describe('the default quarter with six service outages, throttling and server errors', () => {
  let clean: SimulationResult;
  let outage: SimulationResult;

  beforeAll(async () => {
    const catalog: Catalog = await loadCatalogFile(`${REPO_ROOT}goldsmith.config.ts`);
    const scenario = defaultScenario();
    clean = await simulate(catalog, scenario, REPO_ROOT);
    const faults = { ...scenario.faults, throttleRate: 0.01, errorRate: 0.01, outages: OUTAGES };
    outage = await simulate(catalog, defaultScenario({ faults }), REPO_ROOT);
  }, 1_800_000);

  it('builds and decides what the clean quarter does', () => {
    expect(buildLines(outage)).toEqual(buildLines(clean));
    expect(outcomes(outage)).toEqual(outcomes(clean));
    expect(outage.report.faults.injected).toBeGreaterThan(0);
  });

  it('recovers every window within a reconciler period of its end: nothing deferred is left pending', () => {
    const windows = outage.report.faults.outages;
    expect(windows.map((w) => w.service)).toEqual(OUTAGES.map((o) => o.service));
    for (const w of windows) {
      expect(w.callsFailed, w.service).toBeGreaterThan(0);
      expect(w.deferred, w.service).toBeGreaterThan(0);
      expect(w.recoveredAt, w.service).not.toBeNull();
      expect(Date.parse(w.recoveredAt ?? '') - Date.parse(w.until), w.service).toBeLessThanOrEqual(
        RECONCILER_PERIOD_MS,
      );
    }
    expect(outage.report.faults.paused.filter((p) => p.status === 'paused')).toEqual([]);
  });

  it('ends consistent, with every build intent built and no outcome naming a transient error', () => {
    expect(outage.report.consistency).toMatchObject({ ok: true, problems: [] });
    expect(outage.report.consistency.checks?.['no-transient-outcomes']).toBe(outage.report.promotions.length);
  });
});
