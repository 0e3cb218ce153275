import {
  type AutoScalingGroup,
  type MixedInstancesPolicy,
  paginateDescribeAutoScalingGroups,
} from '@aws-sdk/client-auto-scaling';
import { DescribeLaunchTemplatesCommand, DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { ROLLOUT_TAG } from '../../core/names.js';
import type { InstanceView } from '../../core/rollout/left-behind.js';
import {
  type GroupView,
  groupTemplate,
  sharedTemplateRisk,
  type TemplateRef,
  templateReadiness,
} from '../../core/rollout/readiness.js';
import type { RunningTemplate } from '../../core/rollout/supersede.js';
import { autoScalingClient } from '../clients/autoscaling.js';
import { ec2Client } from '../clients/ec2.js';
import { type ActingScope, asMember, type MemberScope } from './member-session.js';

export type { MemberScope } from './member-session.js';

/** A tagged group in a scope: ready to refresh (its template and the version it runs), or skipped with a reason. */
export type FoundGroup =
  | {
      kind: 'ready';
      group: string;
      launchTemplateId: string;
      fromVersion: number;
      fromImageId?: string;
      /** Its mixed instances policy as DescribeAutoScalingGroups reported it: the refresh keeps all of it. */
      mixed?: MixedInstancesPolicy;
    }
  | { kind: 'skip'; group: string; reason: string };

function viewOf(g: AutoScalingGroup): GroupView {
  const tags: Record<string, string> = {};
  for (const t of g.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  const ref = (spec: { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string } | undefined) =>
    spec
      ? {
          ...(spec.LaunchTemplateId !== undefined && { id: spec.LaunchTemplateId }),
          ...(spec.LaunchTemplateName !== undefined && { name: spec.LaunchTemplateName }),
          ...(spec.Version !== undefined && { version: spec.Version }),
        }
      : undefined;
  const mixed = g.MixedInstancesPolicy?.LaunchTemplate;
  const launchTemplate = ref(g.LaunchTemplate);
  const mixedTemplate = ref(mixed?.LaunchTemplateSpecification);
  return {
    name: g.AutoScalingGroupName ?? '',
    tags,
    ...(launchTemplate && { launchTemplate }),
    ...(g.LaunchConfigurationName !== undefined && { launchConfigurationName: g.LaunchConfigurationName }),
    ...(g.MixedInstancesPolicy && {
      mixedInstances: {
        ...(mixedTemplate && { launchTemplate: mixedTemplate }),
        overrideTemplates: (mixed?.Overrides ?? []).filter((o) => o.LaunchTemplateSpecification !== undefined).length,
        instanceRequirements: (mixed?.Overrides ?? []).some((o) => o.InstanceRequirements !== undefined),
      },
    }),
  };
}

/**
 * The groups in a scope that follow `tagValue` (`goldsmith:follow` = `<image>/<channel>`), each with its readiness.
 * DescribeAutoScalingGroups filters by `tag:<key>` ("Accepts the key/value combination of the tag":
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_Filter.html), paginated; each group's launch template
 * is read (DescribeLaunchTemplates for its tags, DescribeLaunchTemplateVersions for the version it runs). A group whose
 * template lacks the tag is left out: it is never touched.
 */
export function findFollowingGroups(scope: MemberScope, tagValue: string): Promise<FoundGroup[]> {
  return asMember(scope, (acting) => findFollowing(acting, tagValue));
}

async function findFollowing(scope: ActingScope, tagValue: string): Promise<FoundGroup[]> {
  const groups = await describeGroups(scope, [{ Name: `tag:${ROLLOUT_TAG}`, Values: [tagValue] }]);
  let everyGroup: GroupView[] | undefined;
  const found: FoundGroup[] = [];
  for (const g of groups) {
    const view = viewOf(g);
    const template = groupTemplate(view, tagValue);
    if (template.kind === 'ignore') continue;
    if (template.kind === 'skip') {
      found.push({ kind: 'skip', group: view.name, reason: template.reason });
      continue;
    }
    const ready = await readTemplate(scope, template.ref, template.version, tagValue);
    if (ready.kind === 'ignore') continue;
    if (ready.kind === 'ready') {
      // Every group of the scope (read once): one running the same template at $Latest would launch the new version.
      everyGroup ??= (await describeGroups(scope, undefined)).map(viewOf);
      const risk = sharedTemplateRisk(
        { id: ready.launchTemplateId, ...(ready.name !== undefined && { name: ready.name }) },
        view.name,
        everyGroup,
      );
      if (risk) {
        found.push({ kind: 'skip', group: view.name, reason: risk });
        continue;
      }
    }
    found.push(
      ready.kind === 'skip'
        ? { kind: 'skip', group: view.name, reason: ready.reason }
        : {
            kind: 'ready',
            group: view.name,
            launchTemplateId: ready.launchTemplateId,
            fromVersion: template.version,
            ...(ready.imageId !== undefined && { fromImageId: ready.imageId }),
            ...(g.MixedInstancesPolicy && { mixed: g.MixedInstancesPolicy }),
          },
    );
  }
  return found;
}

/** DescribeAutoScalingGroups in the scope, every page, with `filters` (none: every group) or these names. */
async function describeGroups(
  scope: ActingScope,
  filters: { Name: string; Values: string[] }[] | undefined,
  names?: string[],
): Promise<AutoScalingGroup[]> {
  const client = autoScalingClient(scope.region, scope.identity);
  const groups: AutoScalingGroup[] = [];
  const input = names ? { AutoScalingGroupNames: names } : filters ? { Filters: filters } : {};
  for await (const page of paginateDescribeAutoScalingGroups({ client }, input)) {
    groups.push(...(page.AutoScalingGroups ?? []));
  }
  return groups;
}

/**
 * A group's instances as DescribeAutoScalingGroups reports them: each one's launch template id and version, scale-in
 * protection, lifecycle state and health status (`Healthy`/`Unhealthy`, both fields required in the response:
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_Instance.html).
 * Empty when the group is gone.
 */
export async function groupInstances(scope: MemberScope, group: string): Promise<InstanceView[]> {
  return instancesOf(await describeGroup(scope, group));
}

/**
 * The launch template a group runs now: its own, or its mixed instances policy's (undefined: the group is gone).
 */
export async function runningTemplate(scope: MemberScope, group: string): Promise<RunningTemplate | undefined> {
  const g = await describeGroup(scope, group);
  if (!g) return undefined;
  const spec = g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  return {
    ...(spec?.LaunchTemplateId !== undefined && { id: spec.LaunchTemplateId }),
    ...(spec?.Version !== undefined && { version: spec.Version }),
  };
}

/** One group as DescribeAutoScalingGroups reports it now (undefined: gone). */
export function describeGroup(scope: MemberScope, group: string): Promise<AutoScalingGroup | undefined> {
  return asMember(scope, (acting) => describeGroupAs(acting, group));
}

/** {@link describeGroup} with the identity already resolved. */
export async function describeGroupAs(scope: ActingScope, group: string): Promise<AutoScalingGroup | undefined> {
  return (await describeGroups(scope, undefined, [group]))[0];
}

function instancesOf(g: AutoScalingGroup | undefined): InstanceView[] {
  return (g?.Instances ?? []).map((i) => ({
    ...(i.LaunchTemplate?.LaunchTemplateId !== undefined && { launchTemplateId: i.LaunchTemplate.LaunchTemplateId }),
    ...(i.LaunchTemplate?.Version !== undefined && { version: i.LaunchTemplate.Version }),
    protectedFromScaleIn: i.ProtectedFromScaleIn === true,
    ...(i.LifecycleState !== undefined && { lifecycleState: String(i.LifecycleState) }),
    ...(i.HealthStatus !== undefined && { healthStatus: i.HealthStatus }),
  }));
}

async function readTemplate(scope: ActingScope, ref: TemplateRef, version: number, tagValue: string) {
  const ec2 = ec2Client(scope.region, scope.identity);
  const byId = ref.id !== undefined;
  const listed = await ec2.send(
    new DescribeLaunchTemplatesCommand(
      byId ? { LaunchTemplateIds: [ref.id ?? ''] } : { LaunchTemplateNames: [ref.name ?? ''] },
    ),
  );
  const template = listed.LaunchTemplates?.[0];
  if (!template?.LaunchTemplateId) {
    return { kind: 'skip' as const, reason: `launch template ${ref.id ?? ref.name} was not found` };
  }
  const versions = await ec2.send(
    new DescribeLaunchTemplateVersionsCommand({
      LaunchTemplateId: template.LaunchTemplateId,
      Versions: [String(version)],
    }),
  );
  const data = versions.LaunchTemplateVersions?.[0]?.LaunchTemplateData;
  const tags: Record<string, string> = {};
  for (const t of template.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  const readiness = templateReadiness(
    { id: template.LaunchTemplateId, tags, ...(data?.ImageId !== undefined && { imageId: data.ImageId }) },
    tagValue,
  );
  return readiness.kind === 'ready'
    ? { ...readiness, name: template.LaunchTemplateName, imageId: data?.ImageId }
    : readiness;
}
