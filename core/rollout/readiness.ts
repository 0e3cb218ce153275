import { ROLLOUT_TAG } from '../names.js';

/**
 * Whether a member Auto Scaling group can follow a rollout. An instance refresh that rolls back needs a
 * DesiredConfiguration with a numbered launch template version whose ImageId is an AMI id: rollback "is not supported"
 * with a template that "uses an AWS Systems Manager parameter instead of an AMI ID" or with `$Latest`/`$Default`
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html), and a refresh with a desired
 * configuration fails on a group with attribute-based instance selection
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-overview.html).
 */

/** A launch template reference as a group holds it (LaunchTemplate or a mixed-instances policy's specification). */
export interface TemplateRef {
  id?: string;
  name?: string;
  version?: string;
}

/** The parts of DescribeAutoScalingGroups' group that decide readiness. */
export interface GroupView {
  name: string;
  tags: Readonly<Record<string, string>>;
  launchTemplate?: TemplateRef;
  launchConfigurationName?: string;
  mixedInstances?: {
    launchTemplate?: TemplateRef;
    /** Overrides that name their own launch template (more than one template in the group). */
    overrideTemplates: number;
    /** Overrides with InstanceRequirements (attribute-based instance selection). */
    instanceRequirements: boolean;
  };
}

export type GroupTemplate =
  | { kind: 'ignore' }
  | { kind: 'skip'; reason: string }
  | { kind: 'template'; ref: TemplateRef; version: number };

/**
 * The launch template version a tagged group runs, or why it cannot follow: a group without the tag value is ignored
 * (never touched, never recorded); a tagged group that is not rollout-ready is skipped with a reason.
 */
export function groupTemplate(group: GroupView, tagValue: string): GroupTemplate {
  if (group.tags[ROLLOUT_TAG] !== tagValue) return { kind: 'ignore' };
  const mixed = group.mixedInstances;
  if (mixed && mixed.overrideTemplates > 0) {
    return { kind: 'skip', reason: 'its mixed-instances policy uses more than one launch template' };
  }
  if (mixed?.instanceRequirements) {
    return {
      kind: 'skip',
      reason: 'it uses attribute-based instance selection, which a refresh with a desired configuration refuses',
    };
  }
  const ref = mixed?.launchTemplate ?? group.launchTemplate;
  if (!ref || (!ref.id && !ref.name)) {
    return {
      kind: 'skip',
      reason: group.launchConfigurationName
        ? `it uses launch configuration ${group.launchConfigurationName}, not a launch template`
        : 'it has no launch template',
    };
  }
  const version = ref.version ?? '$Default';
  if (version === '$Latest' || version === '$Default') {
    return {
      kind: 'skip',
      reason: `it runs launch template version ${version}: a refresh can roll back only to a numbered version`,
    };
  }
  const number = Number(version);
  if (!Number.isInteger(number) || number < 1) {
    return { kind: 'skip', reason: `its launch template version "${version}" is not a version number` };
  }
  return { kind: 'template', ref, version: number };
}

/** The parts of DescribeLaunchTemplates/DescribeLaunchTemplateVersions that decide readiness. */
export interface TemplateView {
  id: string;
  tags: Readonly<Record<string, string>>;
  imageId?: string;
}

export type TemplateReadiness =
  | { kind: 'ignore' }
  | { kind: 'skip'; reason: string }
  | { kind: 'ready'; launchTemplateId: string };

/**
 * A group's launch template follows too: it carries the same tag value (else the group is never touched) and names
 * its AMI by id, not by a `resolve:ssm:` parameter.
 */
export function templateReadiness(template: TemplateView, tagValue: string): TemplateReadiness {
  if (template.tags[ROLLOUT_TAG] !== tagValue) return { kind: 'ignore' };
  const image = template.imageId;
  if (image === undefined || image === '') {
    return { kind: 'skip', reason: `launch template ${template.id}'s version names no AMI` };
  }
  if (image.startsWith('resolve:ssm:')) {
    return {
      kind: 'skip',
      reason: `launch template ${template.id} names its AMI by a Systems Manager parameter (${image}): a refresh cannot roll back to it`,
    };
  }
  return { kind: 'ready', launchTemplateId: template.id };
}

/**
 * Why a new version of a following group's template would change what another group launches: a group (tagged or
 * not) that runs the same template at `$Latest` launches whatever version is newest, so the version Goldsmith creates
 * would reach it on its next launch (https://docs.aws.amazon.com/autoscaling/ec2/userguide/launch-templates.html).
 * `$Default` and numbered versions are unaffected: Goldsmith never changes a template's default version.
 */
export function sharedTemplateRisk(
  template: { id: string; name?: string },
  group: string,
  others: readonly GroupView[],
): string | undefined {
  const same = (ref: TemplateRef | undefined) =>
    ref !== undefined && (ref.id === template.id || (ref.name !== undefined && ref.name === template.name));
  const latest = others.find(
    (g) =>
      g.name !== group &&
      [g.launchTemplate, g.mixedInstances?.launchTemplate].some((ref) => same(ref) && ref?.version === '$Latest'),
  );
  return latest
    ? `its launch template ${template.id} is also run at $Latest by group ${latest.name}, which a new version would change`
    : undefined;
}
