import { readFileSync } from 'node:fs';
import { componentFilesIn } from '../../cli/load-catalog.js';
import { parseCatalog } from '../../core/config/catalog.js';
import type { Catalog, CatalogInput } from '../../core/config/schema.js';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import { type Scenario, scenarioSchema } from '../../local/simulator/scenario.js';

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;

/** Validates a catalog exactly as `goldsmith validate` would, with component files from the repository. */
export function catalogOf(input: CatalogInput): Catalog {
  const parsed = parseCatalog(input, componentFilesIn(REPO_ROOT));
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.catalog;
}

/** The built-in default scenario, with overrides. */
export function defaultScenario(overrides: Record<string, unknown> = {}): Scenario {
  const raw = JSON.parse(readFileSync(`${REPO_ROOT}local/simulator/default-scenario.json`, 'utf8')) as object;
  return scenarioSchema.parse({ ...raw, ...overrides });
}

export function scenarioOf(raw: unknown): Scenario {
  return scenarioSchema.parse(raw);
}

export function run(catalog: Catalog, scenario: Scenario): Promise<SimulationResult> {
  return simulate(catalog, scenario, REPO_ROOT);
}

/** `image version trigger status` lines, in request order, for readable assertions. */
export function buildLines(result: SimulationResult, image?: string): string[] {
  return result.report.builds
    .filter((b) => !image || b.image === image)
    .map((b) => `${b.image} ${b.version} ${b.trigger} ${b.status}`);
}
