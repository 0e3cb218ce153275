import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogInput } from '../../../core/config/schema.js';
import { checkLimits, type LimitsReport, type StackTemplate } from '../../../core/limits/index.js';
import example from '../../../goldsmith.config.js';
import { componentFilesUnder, parseCatalogInput } from '../../../stacks/catalog.js';
import { synthesizeTemplates } from '../../../stacks/synthesize.js';
import { largeCatalog } from '../../fixtures/catalogs/large.js';
import { minimalCatalog, REPO_ROOT } from '../helpers.js';

/** Synthesizes the whole app from `input` as `goldsmith validate` does and checks every limit. */
async function limitsOf(input: CatalogInput): Promise<{ report: LimitsReport; stacks: StackTemplate[] }> {
  const catalog = parseCatalogInput(input, REPO_ROOT);
  const stacks = await synthesizeTemplates(catalog, { root: REPO_ROOT });
  return { report: checkLimits(catalog, componentFilesUnder(REPO_ROOT), stacks), stacks };
}

const resources = (stacks: StackTemplate[], name: string) =>
  Object.keys(stacks.find((s) => s.stack.endsWith(`-${name}`))?.template.Resources ?? {}).length;

describe('AWS limits of the synthesized app', () => {
  let large: { report: LimitsReport; stacks: StackTemplate[] };
  beforeAll(async () => {
    large = await limitsOf(largeCatalog(100));
  }, 120_000);

  it('keeps the example and the minimal catalog within every limit', async () => {
    for (const input of [example as CatalogInput, minimalCatalog()]) {
      const { report } = await limitsOf(input);
      expect(report.problems).toEqual([]);
      expect(report.figures.filter((f) => f.tightest).length).toBeGreaterThanOrEqual(17);
    }
  }, 120_000);

  it('keeps a 100-image catalog within every limit', () => {
    expect(large.report.problems).toEqual([]);
    // One measurement per stack (the member baseline's included).
    expect(large.report.figures.find((f) => f.id === 'cfnResources')?.measured).toBe(12);
  });

  it("spreads the 100 images' Image Builder resources over the image stacks, none of them near 500", () => {
    const perStack = [0, 1, 2, 3].map((i) => resources(large.stacks, `FactoryImages${i}`));
    expect(perStack.reduce((a, b) => a + b, 0)).toBeGreaterThan(500);
    for (const count of perStack) expect(count).toBeLessThan(250);
    expect(resources(large.stacks, 'Factory')).toBeLessThan(50);
  });

  it('splits the package rules of 100 images so each pattern stays within 2,048 characters', () => {
    const rules = Object.keys(large.stacks.find((s) => s.stack.endsWith('-Triggers'))!.template.Resources ?? {}).filter(
      (id) => id.startsWith('CodeArtifactReleaseRule'),
    );
    expect(rules.length).toBeGreaterThan(1);
  });
});
