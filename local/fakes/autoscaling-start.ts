import type { AutoScalingGroup, AutoScalingGroups } from './autoscaling-groups.js';
import { asErr } from './autoscaling-groups.js';
import { type MixedPolicy, mixedPolicyOf } from './autoscaling-mixed.js';
import type { RefreshPrefs } from './autoscaling-refresh-types.js';

/**
 * StartInstanceRefresh's checks before a refresh exists: the preferences' documented ranges
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html), and the refusals for a
 * group whose template cannot be rolled back or compared: AutoRollback without DesiredConfiguration (the observed
 * ValidationError, https://github.com/hashicorp/terraform-provider-aws/issues/29830), AutoRollback with a template
 * naming its AMI by `resolve:ssm:` or a group on `$Latest`/`$Default` (API_RefreshPreferences lists both as
 * unsupported; AWS's wording for this case was not found, the message here is the fake's), and DesiredConfiguration
 * or SkipMatching with a parameter-based template
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/using-systems-manager-parameters.html).
 */

type Input = Record<string, unknown>;

const invalid = (message: string): Error => asErr('ValidationError', message);

/** Whether a template version's ImageId is a Systems Manager parameter rather than an AMI. */
export const isParameterImage = (imageId: unknown): boolean =>
  typeof imageId === 'string' && imageId.startsWith('resolve:ssm:');

const isAlias = (version: string | undefined): boolean => version === '$Latest' || version === '$Default';

function intIn(p: Input, field: string, min: number, max: number, fallback: number): number {
  const v = p[field];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw invalid(
      `Value ${String(v)} at 'preferences.${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  return v;
}

/**
 * An enum preference: AWS's own refusal of a value outside the set ("Value '' at 'preferences.scaleInProtectedInstances'
 * failed to satisfy constraint: Member must satisfy enum value set: [Ignore, Wait, Refresh]",
 * https://github.com/hashicorp/terraform-provider-aws/pull/33382). Absent: Wait, the API's default for both
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html).
 */
function enumIn<T extends string>(p: Input, field: string, values: readonly T[]): T {
  const v = p[field];
  if (v === undefined) return 'Wait' as T;
  if (typeof v !== 'string' || !values.includes(v as T))
    throw invalid(
      `1 validation error detected: Value '${String(v)}' at 'preferences.${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`,
    );
  return v as T;
}

/** The refresh's preferences with AWS's defaults (understand-instance-refresh-default-values.html). */
export function preferencesOf(g: AutoScalingGroup, raw: unknown): RefreshPrefs & { skipMatching: boolean } {
  const p = (raw ?? {}) as Input;
  const minHealthy = intIn(p, 'MinHealthyPercentage', 0, 100, 90);
  const maxHealthy = intIn(p, 'MaxHealthyPercentage', 100, 200, 100);
  if (maxHealthy - minHealthy > 100)
    throw invalid('The difference between MaxHealthyPercentage and MinHealthyPercentage cannot be greater than 100.');
  const checkpoints = Array.isArray(p.CheckpointPercentages) ? (p.CheckpointPercentages as unknown[]) : undefined;
  if (checkpoints) {
    checkpoints.forEach((c, i) => {
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 1 || c > 100)
        throw invalid(`CheckpointPercentages[${i}] must be an integer from 1 to 100.`);
      if (i > 0 && c <= Number(checkpoints[i - 1]))
        throw invalid('CheckpointPercentages must be unique and in ascending order.');
    });
  }
  if (p.CheckpointDelay !== undefined && checkpoints === undefined)
    throw invalid('CheckpointDelay can only be specified together with CheckpointPercentages.');
  const alarms = ((p.AlarmSpecification as { Alarms?: unknown } | undefined)?.Alarms ?? []) as unknown[];
  // "You can specify up to 10 alarms" (https://docs.aws.amazon.com/cdk/api/v2/python/aws_cdk.aws_autoscaling/InstanceRefreshOptions.html).
  if (alarms.length > 10) throw invalid('AlarmSpecification.Alarms can name at most 10 alarms.');
  return {
    minHealthy,
    maxHealthy,
    warmupSeconds: intIn(p, 'InstanceWarmup', 0, 2_147_483_647, g.defaultInstanceWarmup ?? g.healthCheckGracePeriod),
    checkpoints: checkpoints as number[] | undefined,
    checkpointDelaySeconds: intIn(p, 'CheckpointDelay', 0, 172_800, 3600),
    bakeSeconds: intIn(p, 'BakeTime', 0, 172_800, 0),
    autoRollback: p.AutoRollback === true,
    alarms: alarms.map(String),
    skipMatching: p.SkipMatching === true,
    protectedInstances: enumIn(p, 'ScaleInProtectedInstances', ['Ignore', 'Wait', 'Refresh'] as const),
    standbyInstances: enumIn(p, 'StandbyInstances', ['Terminate', 'Ignore', 'Wait'] as const),
  };
}

/** The desired configuration's template and numbered version, after the documented refusals. */
export function desiredOf(
  groups: AutoScalingGroups,
  g: AutoScalingGroup,
  input: Input,
  prefs: { autoRollback: boolean; skipMatching: boolean },
): { launchTemplateId: string; version: number; mixed: MixedPolicy | undefined } | undefined {
  type Spec = { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string };
  const desired = input.DesiredConfiguration as
    | {
        LaunchTemplate?: Spec;
        MixedInstancesPolicy?: Parameters<typeof mixedPolicyOf>[0] & {
          LaunchTemplate?: { LaunchTemplateSpecification?: Spec };
        };
      }
    | undefined;
  const current = groups.configOf(g);
  const currentIsParameter = isParameterImage(current.version?.data.ImageId);
  if (prefs.autoRollback && !desired)
    throw invalid(
      "The request isn't valid. The AutoRollback parameter cannot be set to true when the DesiredConfiguration parameter is empty. Set AutoRollback to false or specify a desired configuration and try again.",
    );
  if ((desired || prefs.skipMatching) && currentIsParameter)
    throw invalid(
      'An instance refresh with a desired configuration or skip matching cannot be started while the Auto Scaling group has a launch template that references a Systems Manager parameter instead of an AMI ID.',
    );
  if (prefs.autoRollback && isAlias(g.launchTemplate.version))
    throw invalid(
      `AutoRollback is not supported when the Auto Scaling group uses the launch template's ${g.launchTemplate.version} version.`,
    );
  if (!desired) return undefined;
  // "If you specify a desired configuration, you must specify either a LaunchTemplate or a MixedInstancesPolicy"
  // (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DesiredConfiguration.html).
  const policy = desired.MixedInstancesPolicy;
  if ((policy === undefined) === (desired.LaunchTemplate === undefined))
    throw invalid('DesiredConfiguration must specify either a LaunchTemplate or a MixedInstancesPolicy.');
  const spec = policy ? policy.LaunchTemplate?.LaunchTemplateSpecification : desired.LaunchTemplate;
  if (!spec) throw invalid('DesiredConfiguration.MixedInstancesPolicy must name a LaunchTemplateSpecification.');
  const template = groups.templates.named(g.account, g.region, spec.LaunchTemplateId, spec.LaunchTemplateName);
  const version = groups.templates.resolve(template, spec.Version);
  if (!version) throw invalid(`The launch template version ${String(spec.Version)} does not exist.`);
  if (isParameterImage(version.data.ImageId))
    throw invalid(
      "The desired configuration's launch template references a Systems Manager parameter instead of an AMI ID.",
    );
  if (prefs.autoRollback && isAlias(spec.Version ?? '$Default'))
    throw invalid(`AutoRollback is not supported with the launch template's ${spec.Version ?? '$Default'} version.`);
  return { launchTemplateId: template.id, version: version.number, mixed: policy ? mixedPolicyOf(policy) : undefined };
}

/** RollbackInstanceRefresh's IrreversibleInstanceRefresh conditions; undefined when the rollback may proceed. */
export function irreversibleReason(
  groups: AutoScalingGroups,
  g: AutoScalingGroup,
  hasDesired: boolean,
): string | undefined {
  const current = groups.configOf(g);
  if (!hasDesired || isParameterImage(current.version?.data.ImageId) || isAlias(g.launchTemplate.version))
    // https://docs.rs/aws-sdk-autoscaling/0.27.0/aws_sdk_autoscaling/operation/rollback_instance_refresh/enum.RollbackInstanceRefreshError.html
    return 'The request failed because a desired configuration was not found or an incompatible launch template (uses a Systems Manager parameter instead of an AMI ID) or launch template version ($Latest or $Default) is present on the Auto Scaling group.';
  return undefined;
}
