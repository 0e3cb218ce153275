import type { CatalogInput } from '../../core/config/schema.js';
import { checkLimits, formatFigure } from '../../core/limits/index.js';
import { componentFilesUnder, parseCatalogInput } from '../../stacks/catalog.js';
import { synthesizeTemplates } from '../../stacks/synthesize.js';
import type { CheckLine } from './checks.js';

/**
 * The AWS limits line of one catalog, as `goldsmith validate` checks them on the synthesized stacks: how many
 * limits were measured, and the three with the least room, each with its figure and headroom.
 */
export async function limitsLine(label: string, input: CatalogInput, root: string): Promise<CheckLine> {
  const catalog = parseCatalogInput(input, root);
  const stacks = await synthesizeTemplates(catalog, { root });
  const report = checkLimits(catalog, componentFilesUnder(root), stacks);
  const measured = report.figures.filter((f) => f.tightest && f.headroom !== undefined);
  const tightest = [...measured].sort((a, b) => a.headroom! / a.max - b.headroom! / b.max).slice(0, 3);
  return {
    name: `${label}: AWS limits of its ${stacks.length} synthesized stacks`,
    figure: `${measured.length} limits measured, ${report.problems.length} over; tightest: ${tightest.map(formatFigure).join('; ')}`,
    problems: report.problems,
  };
}
