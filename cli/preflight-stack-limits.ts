import { dirname, resolve } from 'node:path';
import type { PreflightCheck } from '../aws/preflight/preflight-check.js';
import type { Catalog } from '../core/config/schema.js';
import { checkStackLimits, formatFigure } from '../core/limits/index.js';

const NAME = 'stack limits';

/**
 * The preflight check of what the deploy would create: every stack synthesized offline from the catalog (as
 * `goldsmith validate` does; nothing is read from AWS or written) and held to the limits a template meets, first
 * CloudFormation's 500 resources per stack (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html):
 * a stack over one is refused by CloudFormation after the stacks before it were deployed, so it is MISSING here,
 * naming the stack, its figure and the limit. `file` is the catalog's file, for the command that lists the rest.
 */
export async function stackLimitsCheck(catalog: Catalog, file: string, stage?: string): Promise<PreflightCheck> {
  const validate = `\`goldsmith validate --config ${file}\``;
  const { synthesizeTemplates } = await import('../stacks/synthesize.js');
  let stacks: Awaited<ReturnType<typeof synthesizeTemplates>>;
  try {
    stacks = await synthesizeTemplates(catalog, { root: dirname(resolve(file)), ...(stage ? { stage } : {}) });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { name: NAME, status: 'missing', detail: `the stacks cannot be synthesized: ${message}: run ${validate}` };
  }
  const report = checkStackLimits(catalog, stacks);
  const [first, ...more] = report.problems;
  if (first !== undefined) {
    const others = more.length > 0 ? ` (and ${more.length} more)` : '';
    return {
      name: NAME,
      status: 'missing',
      detail: `${first}${others}: change the catalog; ${validate} lists each figure over its limit and the images behind it`,
    };
  }
  const resources = report.figures.find((f) => f.id === 'cfnResources');
  const within = `${report.figures.length} template limits of ${stacks.length} stacks within`;
  return { name: NAME, status: 'ok', detail: resources ? `${formatFigure(resources)}; ${within}` : within };
}
