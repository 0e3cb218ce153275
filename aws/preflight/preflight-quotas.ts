import type { Catalog } from '../../core/config/schema.js';
import { evaluateLimits, formatFigure, raisedLimits, sharingMeasurements } from '../../core/limits/index.js';
import type { OrgTree } from '../../core/sharing/targets.js';
import { readOrganizationTree } from '../sharing/organizations-targets.js';
import type { PreflightCheck } from './preflight-check.js';

/** Whether resolving the channels needs each account's tags (a channel selects accounts by tag). */
export const treeNeedsTags = (catalog: Catalog): boolean =>
  catalog.channels.some((c) => Object.keys(c.targets.accountTags).length > 0);

/**
 * `goldsmith preflight`'s AMI sharing quota check: the real organization, read in full (every OU and account,
 * paginated; tags too when a channel selects accounts by tag), and every channel a version can hold at once
 * resolved against it exactly as Share resolves it. EC2 shares an AMI with at most 1,000 organizations, OUs and
 * accounts per Region by default (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-quotas.html); past it,
 * Share refuses the promotion. `read` reads the organization (once, shared with preflight's other checks).
 */
export async function amiSharingQuotaCheck(
  catalog: Catalog,
  read: () => Promise<OrgTree> = () => readOrganizationTree({ withTags: treeNeedsTags(catalog) }),
): Promise<PreflightCheck> {
  const name = 'AMI sharing quota';
  let report: ReturnType<typeof evaluateLimits>;
  try {
    const tree = await read();
    report = evaluateLimits(sharingMeasurements(catalog, tree), raisedLimits(catalog));
  } catch (error) {
    const said = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { name, status: 'not checked', detail: `the organization could not be read in full (${said})` };
  }
  const figure = report.figures.find((f) => f.id === 'amiSharingEntities');
  if (report.problems.length > 0) {
    return {
      name,
      status: 'missing',
      detail: `${report.problems.join('; ')}. Target OUs or the organization instead of accounts one by one, or raise "AMI sharing" in Service Quotas (Amazon EC2) in every distribution Region (docs/deploy.md, "AWS quotas")`,
    };
  }
  return { name, status: 'ok', detail: figure ? formatFigure(figure) : 'no AMI image is shared' };
}
