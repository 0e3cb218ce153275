import type { ComponentFiles } from '../config/rules/types.js';
import type { Catalog } from '../config/schema.js';
import type { OrgTree } from '../sharing/targets.js';
import { measureCatalog } from './catalog.js';
import { evaluateLimits, type LimitsReport, type RaisedLimits } from './report.js';
import { DeployLengthResolver, type StackTemplate } from './resolve.js';
import { measureTemplates } from './templates.js';

export { LIMITS, type LimitId } from './quotas.js';
export {
  evaluateLimits,
  formatFigure,
  type LimitFigure,
  type LimitsReport,
  type Measurement,
  type RaisedLimits,
} from './report.js';
export type { StackTemplate, TemplateJson } from './resolve.js';
export { amiCountMeasurements, sharingMeasurements } from './sharing.js';

/** An account id of deploy length: ARNs in policies carry the real one. */
const ACCOUNT = '123456789012';

/**
 * Checks `catalog` against every limit it can break. With `stacks` (the app synthesized from this catalog), the
 * CloudFormation, IAM, Lambda environment, Step Functions definition and EventBridge limits are measured on the
 * templates; without, only the catalog-level ones (Image Builder, state payloads, channel pointers, AMI sharing and
 * AMIs per Region). With `organization`, the channels' targets are resolved against it for the AMI sharing quota.
 */
export function checkLimits(
  catalog: Catalog,
  files: ComponentFiles,
  stacks: readonly StackTemplate[] = [],
  organization?: OrgTree,
): LimitsReport {
  const images = Object.keys(catalog.images);
  const resolver = new DeployLengthResolver(stacks, { region: catalog.organization.homeRegion, account: ACCOUNT });
  return evaluateLimits(
    [...measureCatalog(catalog, files, organization), ...measureTemplates(stacks, resolver, images)],
    raisedLimits(catalog),
  );
}

/**
 * The limits `stacks` (the app synthesized from `catalog`) meet as templates: CloudFormation's per stack (resources,
 * outputs, parameters, size), IAM's, Lambda environments', Step Functions definitions' and EventBridge's. What a
 * deploy of them would be refused for; the catalog-level limits are `checkLimits`' and preflight's own checks'.
 */
export function checkStackLimits(catalog: Catalog, stacks: readonly StackTemplate[]): LimitsReport {
  const resolver = new DeployLengthResolver(stacks, { region: catalog.organization.homeRegion, account: ACCOUNT });
  const report = evaluateLimits(measureTemplates(stacks, resolver, Object.keys(catalog.images)), raisedLimits(catalog));
  // Only the limits templates are measured against (evaluateLimits lists every limit).
  return { ...report, figures: report.figures.filter((f) => f.measured > 0) };
}

/** The catalog's raised quotas, as limits. */
export function raisedLimits(catalog: Catalog): RaisedLimits {
  const { amiSharing, amis } = catalog.quotas;
  return {
    ...(amiSharing !== undefined && { amiSharingEntities: amiSharing }),
    ...(amis !== undefined && { amisPerRegion: amis }),
  };
}
