import { canonicalJson } from '../canonical-json.js';
import { GoldsmithError } from '../errors.js';

/**
 * Goldsmith's launch template versions change the AMI and nothing else, and Goldsmith proves it on each one: IAM
 * "can't use resource-level permissions to restrict the resources that users can specify in a launch template when
 * they create a launch template or launch template version"
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/permissions-for-launch-templates.html), so the member role's
 * `ec2:CreateLaunchTemplateVersion` could write any user data or instance profile into a template it may version. The
 * version is read back (DescribeLaunchTemplateVersions, beside its source) and compared; one that differs in
 * anything else is never refreshed to. Pure.
 */

/** A template version Goldsmith created that differs from its source in more than the AMI. */
export class TemplateVersionMismatchError extends GoldsmithError {
  readonly code = 'LaunchTemplateVersionMismatch';
  constructor(message: string) {
    super(message);
    this.name = 'TemplateVersionMismatchError';
  }
}

/**
 * What a created version holds that its source does not, besides the AMI (`ImageId` must be `imageId`): the
 * LaunchTemplateData fields whose values differ, sorted. Empty: it changed only the AMI.
 */
export function differencesBeyondAmi(
  source: Readonly<Record<string, unknown>>,
  created: Readonly<Record<string, unknown>>,
  imageId: string,
): string[] {
  const out = new Set<string>();
  if (created.ImageId !== imageId) out.add('ImageId');
  for (const key of new Set([...Object.keys(source), ...Object.keys(created)])) {
    if (key === 'ImageId') continue;
    if (canonicalJson(source[key]) !== canonicalJson(created[key])) out.add(key);
  }
  return [...out].sort();
}

/** The refusal's message: which version, against which source, and what differs. */
export function mismatchMessage(template: string, version: number, source: number, fields: readonly string[]): string {
  return `launch template ${template} version ${version} differs from its source version ${source} in ${fields.join(', ')}, not only the AMI: not refreshed to`;
}
