import { dirname, resolve } from 'node:path';
import type { Catalog } from '../core/config/schema.js';
import { checkLimits, formatFigure, type LimitFigure, type LimitsReport } from '../core/limits/index.js';
import type { OrgTree } from '../core/sharing/targets.js';
import { componentFilesIn } from './load-catalog.js';

/**
 * The AWS limits step of `goldsmith validate`: the catalog-level limits always; with `synthesize`, every stack is
 * synthesized offline from the catalog (a few seconds) and its templates measured too. A catalog the stacks
 * themselves refuse to synthesize is reported as a problem, not thrown. With `organization`, channel targets are
 * resolved against it for the AMI sharing quota.
 */
export async function checkCatalogLimits(
  catalog: Catalog,
  catalogFile: string,
  options: { synthesize: boolean; organization?: OrgTree | undefined },
): Promise<LimitsReport & { synthesized: boolean }> {
  const root = dirname(resolve(catalogFile));
  const files = componentFilesIn(root);
  const org = options.organization;
  if (!options.synthesize) return { ...checkLimits(catalog, files, [], org), synthesized: false };
  const { synthesizeTemplates } = await import('../stacks/synthesize.js');
  try {
    return { ...checkLimits(catalog, files, await synthesizeTemplates(catalog, { root }), org), synthesized: true };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const report = checkLimits(catalog, files, [], org);
    return {
      ...report,
      ok: false,
      problems: [...report.problems, `catalog: the stacks cannot be synthesized: ${message}`],
      synthesized: false,
    };
  }
}

/** The figure with the least room left, as a share of its limit. */
export function tightestFigure(figures: readonly LimitFigure[]): LimitFigure | undefined {
  const share = (f: LimitFigure) => (f.headroom ?? f.max) / f.max;
  return figures
    .filter((f) => f.tightest)
    .reduce<LimitFigure | undefined>((a, f) => (a && share(a) <= share(f) ? a : f), undefined);
}

/** `limits: within all 20 (tightest: …)`, or the catalog-only variant. */
export function limitsLine(report: LimitsReport & { synthesized: boolean }): string {
  const measured = report.figures.filter((f) => f.tightest);
  const tightest = tightestFigure(measured);
  const scope = report.synthesized ? 'AWS limits' : 'catalog-level AWS limits (stacks not synthesized)';
  return `limits: within all ${measured.length} ${scope}${tightest ? `; tightest: ${formatFigure(tightest)}` : ''}`;
}
