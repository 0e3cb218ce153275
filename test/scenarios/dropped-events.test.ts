import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../cli/load-catalog.js';
import type { Catalog } from '../../core/config/schema.js';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import { scenarioSchema } from '../../local/simulator/scenario.js';

const ROOT = new URL('../../', import.meta.url).pathname;
// The CLI runs the whole fixture (`goldsmith simulate --scenario test/fixtures/scenarios/dropped-events.json`);
// the test stops it after the February builds and runs one account per OU to stay fast, which still covers several
// dropped events.
const UNTIL = '2027-02-20T00:00:00Z';
/** A build that became AVAILABLE this close to the end may still be in its first channel's soak. */
const SETTLE_MS = 2 * 86_400_000;

let catalog: Catalog;
let result: SimulationResult;

beforeAll(async () => {
  catalog = await loadCatalogFile(join(ROOT, 'goldsmith.config.ts'));
  const raw = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/scenarios/dropped-events.json'), 'utf8'));
  // One account per OU (the fixture has 25): dropped events are Image Builder's, not the organization's size.
  const scenario = scenarioSchema.parse({ ...raw, until: UNTIL, organization: { accountsPerOu: 1 } });
  result = await simulate(catalog, scenario, ROOT);
}, 600_000);

describe('simulate with half of the Image Builder events dropped', () => {
  it('drops events: the fixture really exercises the fault', () => {
    const raw = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/scenarios/dropped-events.json'), 'utf8'));
    expect(raw.faults.dropImageEvents).toBe(0.5);
    expect(result.report.apiCalls['imagebuilder:ListImagePipelineImages']).toBeGreaterThan(0);
  });

  it("still gives every AVAILABLE AMI build an outcome in its image's first channel", () => {
    const { builds, promotions } = result.report;
    const firstChannel = catalog.channels[0]?.name;
    const settled = Date.parse(UNTIL) - SETTLE_MS;
    const amiBuilds = builds.filter(
      (b) =>
        b.status === 'AVAILABLE' &&
        catalog.images[b.image]?.kind !== 'container' &&
        b.finishedAt !== null &&
        Date.parse(b.finishedAt) < settled,
    );
    expect(amiBuilds.length).toBeGreaterThan(1);
    const missing = amiBuilds.filter(
      (b) => !promotions.some((p) => p.image === b.image && p.version === b.version && p.channel === firstChannel),
    );
    expect(missing.map((b) => `${b.image} ${b.version}`)).toEqual([]);
  });

  it('decides each build and channel once, and the audit finds the fakes consistent with the ledger', () => {
    const keys = result.report.promotions.map((p) => `${p.image} ${p.version} ${p.channel}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(result.report.consistency).toMatchObject({ ok: true, problems: [] });
  });
});
