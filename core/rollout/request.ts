import { createHash } from 'node:crypto';
import type { RolloutSpec } from '../config/schema-rollout.js';
import type { RolloutRecord } from './record.js';

/**
 * What Goldsmith asks Auto Scaling and EC2 for, per group, from the channel's rollout settings: plain shapes with the
 * API's member names, so the AWS edge passes them as they are.
 */

/** StartInstanceRefresh's Preferences (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html). */
export interface RefreshPreferences {
  AutoRollback: boolean;
  BakeTime: number;
  MinHealthyPercentage: number;
  MaxHealthyPercentage: number;
  SkipMatching: boolean;
  AlarmSpecification?: { Alarms: string[] };
  CheckpointPercentages?: number[];
  CheckpointDelay?: number;
  InstanceWarmup?: number;
  ScaleInProtectedInstances: 'Refresh' | 'Ignore' | 'Wait';
  StandbyInstances: 'Terminate' | 'Ignore' | 'Wait';
}

/**
 * The refreshes' preferences. AutoRollback is always on (a failed wave rolls back, the contract's fixed policy); it is
 * allowed because the refresh names a DesiredConfiguration with a numbered version of a literal-AMI template.
 * CheckpointPercentages is left out rather than sent empty (an empty array left refreshes stuck in Pending:
 * https://github.com/hashicorp/terraform-provider-aws/pull/21777), and CheckpointDelay only goes with checkpoints
 * ("if you specify a value for it, you must also specify a value for CheckpointPercentages"). No alarms: no
 * AlarmSpecification. SkipMatching stays off: every instance is replaced by one of the new version.
 * ScaleInProtectedInstances and StandbyInstances are always sent: left out, AWS waits an hour for protected and
 * Standby instances and then fails the refresh ("Wait (default)",
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html).
 */
export function refreshPreferences(settings: RolloutSpec): RefreshPreferences {
  const prefs: RefreshPreferences = {
    AutoRollback: true,
    BakeTime: settings.bakeMinutes * 60,
    MinHealthyPercentage: settings.minHealthyPercentage,
    MaxHealthyPercentage: settings.maxHealthyPercentage,
    SkipMatching: false,
    ScaleInProtectedInstances: settings.protectedInstances,
    StandbyInstances: settings.standbyInstances,
  };
  if (settings.alarms.length > 0) prefs.AlarmSpecification = { Alarms: [...settings.alarms] };
  if (settings.checkpointPercentages.length > 0) {
    prefs.CheckpointPercentages = [...settings.checkpointPercentages];
    prefs.CheckpointDelay = settings.checkpointDelayMinutes * 60;
  }
  if (settings.instanceWarmupSeconds !== undefined) prefs.InstanceWarmup = settings.instanceWarmupSeconds;
  return prefs;
}

/** Where a new launch template version's request comes from: one version of one image to one group. */
export interface VersionRequestKey {
  image: string;
  channel: string;
  version: string;
  account: string;
  region: string;
  group: string;
}

/**
 * CreateLaunchTemplateVersion's ClientToken: the same for a retry of the same image version to the same group, so EC2
 * returns the version it created the first time ("Maximum 128 ASCII characters";
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplateVersion.html).
 */
export function launchTemplateClientToken(key: VersionRequestKey): string {
  const digest = createHash('sha256')
    .update([key.image, key.channel, key.version, key.account, key.region, key.group].join('\n'))
    .digest('hex');
  return `goldsmith-${digest.slice(0, 48)}`;
}

/** The new version's description (VersionDescription, at most 255 characters): `goldsmith <image> <channel> <version>`. */
export function launchTemplateVersionDescription(image: string, channel: string, version: string): string {
  return `goldsmith ${image} ${channel} ${version}`.slice(0, 255);
}

/** The STS session name of the rollout's calls in a member account (2–64 of `[\w+=,.@-]`), naming the rollout. */
export function rolloutSessionName(image: string, channel: string, version: string): string {
  return `goldsmith-rollout-${image}-${channel}-${version}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/**
 * An execution's name: `prefix` and the readable image, channel and version, then a hash of the three and `suffix`,
 * at most 80 of the characters Step Functions allows. A promotion attempt after the first (core/promotion/attempts.ts)
 * adds `a<n>-` to the prefix and itself to the hash; the first adds nothing, so a rollout started before attempts
 * existed keeps its name.
 */
function executionName(prefix: string, image: string, channel: string, version: string, suffix = '', attempt = 1) {
  const [p, s] = attempt > 1 ? [`${prefix}a${attempt}-`, `\nattempt ${attempt}${suffix}`] : [prefix, suffix];
  const hash = createHash('sha256').update(`${image}\n${channel}\n${version}${s}`).digest('hex').slice(0, 12);
  // \w is [A-Za-z0-9_]; 67 leaves room for `-` and the 12 characters of the hash.
  return `${`${p}${image}-${channel}-${version}`.replace(/[^\w-]/g, '-').slice(0, 67)}-${hash}`;
}

/**
 * The Rollout execution's name for a version's rollout to a channel, so a retried Publish meets
 * ExecutionAlreadyExists and takes it as its own. An operator's n-th `rollout retry` runs an execution of its own
 * (`retry<n>-…`), and so does a later promotion attempt of the version (`a<n>-…`, after a restore), as a closed
 * execution's name cannot be used again for 90 days
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
 */
export function rolloutExecutionName(image: string, channel: string, version: string, retry = 0, attempt = 1): string {
  return executionName(
    retry > 0 ? `retry${retry}-` : '',
    image,
    channel,
    version,
    retry > 0 ? `\nretry ${retry}` : '',
    attempt,
  );
}

/**
 * The name of the execution that runs this rollout now: its first, or its latest retry's, of its attempt (the same
 * name as rolloutExecutionName's, made here without it so the reconciler's bundle holds one function fewer).
 */
export function rolloutExecutionNameOf(
  r: Pick<RolloutRecord, 'image' | 'channel' | 'version' | 'operatorActions' | 'attempt'>,
) {
  const retry = r.operatorActions?.filter((a) => a.action === 'retry').length ?? 0;
  const [prefix, suffix] = retry > 0 ? [`retry${retry}-`, `\nretry ${retry}`] : ['', ''];
  return executionName(prefix, r.image, r.channel, r.version, suffix, r.attempt);
}

/**
 * The name of the Rollout execution that takes an ended rollout's groups back after its version was revoked: its own
 * name (the rollout's first execution keeps its name for 90 days), the same for a retried revocation, so the retry
 * meets ExecutionAlreadyExists and takes it as its own; a later promotion attempt's rollout (`attempt`) has its own.
 */
export function rolloutTakeBackExecutionName(image: string, channel: string, version: string, attempt = 1): string {
  return executionName('back-', image, channel, version, '\ntake-back', attempt);
}

/**
 * The version as a launch template version's ClientToken names it (launchTemplateClientToken): a later promotion
 * attempt's versions, and a retry's, are new requests, never the ones EC2 made before (whose source version the groups
 * may no longer run). The first attempt's first request names the version alone.
 */
export function tokenVersion(version: string, attempt = 1, retry = 0): string {
  const base = attempt > 1 ? `${version} attempt ${attempt}` : version;
  return retry > 0 ? `${base} retry ${retry}` : base;
}
