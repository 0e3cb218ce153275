import { AUTO_SCALING_GRANT_OPERATIONS } from '../../core/sharing/key-grants.js';
import { type KmsCaller, type KmsFake, MAX_GRANTS_PER_KEY } from './kms.js';

/**
 * What launching from a shared AMI asks of the key its snapshots are encrypted with, and the audit's questions
 * about it. EC2 makes these calls on the launching principal's behalf (`kms:ViaService` = `ec2.<region>.amazonaws.com`).
 */

/**
 * The actions EBS lists for the users of a shared customer managed key
 * (https://docs.aws.amazon.com/ebs/latest/userguide/share-kms-key.html: DescribeKey, CreateGrant, GenerateDataKey,
 * GenerateDataKeyWithoutPlaintext, ReEncrypt, Decrypt), with CreateGrant only for an AWS resource.
 */
export const LAUNCH_ACTIONS = [
  'kms:DescribeKey',
  'kms:CreateGrant',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:Decrypt',
] as const;

/** The service-linked role EC2 Auto Scaling launches with, in `account`. */
export function autoScalingRoleArn(account: string): string {
  return `arn:aws:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
}

/** A member account's role that launches instances; its IAM policy allows the key (docs/consumers.md). */
export function memberRole(account: string, organizationId: string | undefined): KmsCaller {
  return {
    account,
    principalArn: `arn:aws:iam::${account}:role/instance-launcher`,
    identityAllows: true,
    ...(organizationId ? { organizationId } : {}),
  };
}

/** Auto Scaling's role in `account`: its fixed permissions include no customer managed key. */
export function autoScalingRole(account: string, organizationId: string | undefined): KmsCaller {
  return {
    account,
    principalArn: autoScalingRoleArn(account),
    identityAllows: false,
    ...(organizationId ? { organizationId } : {}),
  };
}

const viaEc2 = (region: string) => `ec2.${region}.amazonaws.com`;

/**
 * The first launch action the key refuses `caller` through EC2 in `region`, with KMS's reason; none: it can launch.
 * The new volume's grant needs room under the key's grants quota: none left, CreateGrant answers LimitExceededException.
 */
export function launchRefusal(kms: KmsFake, region: string, keyRef: string, caller: KmsCaller): string | undefined {
  for (const action of LAUNCH_ACTIONS) {
    const extra = {
      'kms:ViaService': viaEc2(region),
      ...(action === 'kms:CreateGrant' ? { 'kms:GrantIsForAWSResource': 'true' } : {}),
    };
    const decision = kms.authorize(region, keyRef, caller, action, extra);
    if (!decision.allowed) return `${action}: ${decision.reason}`;
  }
  if (!kms.hasGrantRoom(region, keyRef))
    return `kms:CreateGrant: LimitExceededException: the grants quota (${MAX_GRANTS_PER_KEY}) of ${keyRef} in ${region} is reached`;
  return undefined;
}

/** Why `caller` could not give `grantee`'s Auto Scaling role the documented grant on the key; none: it can. */
export function autoScalingGrantRefusal(
  kms: KmsFake,
  region: string,
  keyRef: string,
  caller: KmsCaller,
  granteeAccount: string = caller.account,
): string | undefined {
  try {
    // CreateGrant's answer as a value: most members are refused, and an Error (its stack) for each costs.
    const outcome = kms.grantOutcome(region, keyRef, caller, {
      granteePrincipal: autoScalingRoleArn(granteeAccount),
      operations: AUTO_SCALING_GRANT_OPERATIONS,
      name: 'goldsmith-auto-scaling',
      dryRun: true,
    });
    return 'code' in outcome ? `${outcome.code}: ${outcome.message}` : undefined;
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
}

/** Why a direct call (not through EC2) to Decrypt with the key by `caller` would be refused; none: it would not. */
export function directUseRefusal(kms: KmsFake, region: string, keyRef: string, caller: KmsCaller): string | undefined {
  const decision = kms.authorize(region, keyRef, caller, 'kms:Decrypt');
  return decision.allowed ? undefined : decision.reason;
}
