import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../cli/load-catalog.js';
import { simulate } from '../../local/simulator/index.js';
import { scenarioBetween } from './helpers.js';

const CATALOG = fileURLToPath(new URL('../../examples/catalogs/twenty-images.json', import.meta.url));

describe('a catalog kept outside the project root', () => {
  it("runs Goldsmith's own functions, whatever directory the catalog's paths are relative to", async () => {
    const catalog = await loadCatalogFile(CATALOG);
    // Six hours: the hourly base-image watch, the health gauges and the reconciler all run.
    const result = await simulate(
      catalog,
      scenarioBetween('2027-01-01T00:00:00Z', '2027-01-01T06:30:00Z'),
      dirname(CATALOG),
    );
    expect(result.report.rejectedEvents).toEqual([]);
    expect(result.report.apiCalls['ssm:GetParameters'] ?? 0).toBeGreaterThan(0);
  }, 120_000);
});
