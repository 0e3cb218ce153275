import { beforeAll, describe, expect, it } from 'vitest';
import { fleetScenario } from '../../bench/sharing.js';
import { loadCatalogFile } from '../../cli/load-catalog.js';
import type { SimulationResult } from '../../local/simulator/index.js';
import { REPO_ROOT, run } from './helpers.js';

// The fleet-scale scenario (local/simulator/fleet-scenario.json) as it stands: 1000 accounts per OU, 4000 in all
// (about 15 s of CPU, most of it synthesis and the local cloud's start; `npm run bench -- --only sharing` prints it).
const ACCOUNTS_PER_OU = 1000;

describe('sharing a patch build with a throttled organization of 4000 accounts', () => {
  let result: SimulationResult;
  beforeAll(async () => {
    const catalog = await loadCatalogFile(`${REPO_ROOT}goldsmith.config.ts`);
    result = await run(catalog, await fleetScenario(REPO_ROOT));
  }, 300_000);

  it('runs with the organization the scenario describes', () => {
    expect(result.report.promotions[0]?.targets.accounts).toBe(ACCOUNTS_PER_OU);
  });

  it('builds the base once and promotes it to dev, the window ending in the staging soak', () => {
    expect(result.report.builds.map((b) => `${b.image} ${b.status}`)).toEqual(['base AVAILABLE']);
    expect(result.report.promotions.map((p) => `${p.image} ${p.channel} ${p.outcome}`)).toEqual(['base dev promoted']);
  });

  it('rides out one call in ten throttled without a failed call', () => {
    expect(result.report.faults.injected).toBeGreaterThan(0);
    expect(result.report.faults.failedCalls).toBe(0);
  });

  it("changes launch permissions with no more ModifyImageAttribute calls than the planner's minimum", () => {
    const sharing = result.report.sharing!;
    const minimum = result.report.promotions.reduce((n, p) => n + p.regions.length, 0);
    expect(sharing.minimumModifyImageAttribute).toBe(minimum);
    expect(result.report.apiCalls['ec2:ModifyImageAttribute']).toBeGreaterThan(0);
    expect(result.report.apiCalls['ec2:ModifyImageAttribute']).toBeLessThanOrEqual(minimum);
    // The wave cannot beat what EC2's token buckets allow; with a burst this small they allow it at once.
    expect(sharing.waves.largest?.lowerBoundSeconds).toBe(0);
    expect(sharing.waves.largest?.regions).toBe(3);
  });

  it("leaves the AMI launchable, and its key usable, by exactly dev's accounts in every region, checked from the fakes", () => {
    const { ok, problems, checks = {} } = result.report.consistency;
    expect({ ok, problems }).toEqual({ ok: true, problems: [] });
    expect(checks['launchable-by-targets']).toBe(ACCOUNTS_PER_OU * 3);
    expect(checks['key-usable-by-targets']).toBe(ACCOUNTS_PER_OU * 3);
    expect(checks['not-launchable-by-others']).toBeGreaterThanOrEqual(3 * ACCOUNTS_PER_OU * 3);
    expect(checks['key-not-usable-by-others']).toBeGreaterThan(0);
    expect(checks['pointer-readable-by-targets']).toBe(ACCOUNTS_PER_OU * 3);
  });
});
